/** @jest-environment jsdom */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../src/taskpane/api-client';
import type { OnboardingState } from '../../src/taskpane/onboarding';
import { OnboardingScreen } from '../../src/taskpane/screens/onboarding-screen';
import { FakeApi } from './support/fake-api';
import { isDisabled, renderScreen } from './support/render';

const TERMS = '2026-01';

function setup(
  state: OnboardingState,
  options: { inviteToken?: string; locale?: 'en' | 'es'; api?: FakeApi } = {},
) {
  const api = options.api ?? new FakeApi();
  const onJoined = jest.fn();
  const onReload = jest.fn();
  const onSignOut = jest.fn();
  renderScreen(
    <OnboardingScreen
      api={api}
      state={state}
      inviteToken={options.inviteToken}
      userName="Ana Admin"
      onJoined={onJoined}
      onReload={onReload}
      onSignOut={onSignOut}
    />,
    options.locale,
  );
  return { api, onJoined, onReload, onSignOut };
}

const acceptTerms = () =>
  fireEvent.click(screen.getByRole('checkbox', { name: /terms of use \(version 2026-01\)/ }));

describe('install', () => {
  test('the administrator accepts the terms (with their version) and the organisation is created', async () => {
    const { api, onJoined } = setup({ state: 'install', termsVersion: TERMS });
    screen.getByRole('heading', { name: 'Install Tandem for your organisation' });
    const install = screen.getByRole('button', { name: 'Accept and install' });
    expect(isDisabled(install)).toBe(true);
    acceptTerms();
    fireEvent.change(screen.getByLabelText('Organisation name (optional)'), {
      target: { value: ' Contoso Ltd ' },
    });
    api.on('POST /api/onboarding/install', { created: true, orgId: 'o', userId: 'u' });
    fireEvent.click(install);
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/install')).toEqual([
      { acceptTerms: true, termsVersion: TERMS, orgName: 'Contoso Ltd' },
    ]);
  });

  test('a refusal is shown and the user stays', async () => {
    const { api, onJoined } = setup({ state: 'install', termsVersion: TERMS });
    api.fail('POST /api/onboarding/install', 409, 'already_installed');
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Accept and install' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Tandem is already installed for your organisation.',
    );
    expect(onJoined).not.toHaveBeenCalled();
  });

  test('in Spanish', () => {
    setup({ state: 'install', termsVersion: TERMS }, { locale: 'es' });
    screen.getByRole('heading', { name: 'Instala Tandem para tu organización' });
    screen.getByRole('checkbox', { name: /condiciones de uso de Tandem \(versión 2026-01\)/ });
    screen.getByRole('button', { name: 'Aceptar e instalar' });
  });
});

test('a non-administrator of a tenant without organisation is told an administrator must install it', () => {
  setup({ state: 'admin_required', termsVersion: TERMS });
  screen.getByRole('heading', { name: 'An administrator must install Tandem first' });
  expect(screen.queryByRole('button', { name: /install/i })).toBeNull();
  screen.getByRole('button', { name: 'Associate my account' });
});

describe('invitation', () => {
  const invited: OnboardingState = {
    state: 'invited',
    termsVersion: TERMS,
    invitation: { id: 'i1', org: { id: 'o1', name: 'Contoso' }, expiresAt: '2026-12-01T10:00:00.000Z' },
  };

  test('accepted by simply opening the add-in (matched by email, no token)', async () => {
    const { api, onJoined } = setup(invited);
    screen.getByRole('heading', { name: 'You are invited to join Contoso' });
    api.on('POST /api/onboarding/accept', { orgId: 'o1', userId: 'u1', invitationId: 'i1' });
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Accept and join' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/accept')).toEqual([{ acceptTerms: true, termsVersion: TERMS }]);
  });

  const preview = (over: Record<string, unknown> = {}) => ({
    org: { id: 'o1', name: 'Contoso' },
    expiresAt: '2026-12-01T10:00:00.000Z',
    email: 'ana@contoso.example',
    acceptable: true,
    problem: null,
    ...over,
  });

  test('accepted through the email link sends its token, whatever the matched state', async () => {
    const token = 'A'.repeat(43);
    const api = new FakeApi().on('POST /api/onboarding/invitation', preview());
    const { onJoined } = setup(
      { state: 'request_to_join', termsVersion: TERMS, org: { id: 'o', name: 'Contoso' }, request: null },
      { inviteToken: token, api },
    );
    await screen.findByRole('heading', { name: 'You are invited to join Contoso' });
    screen.getByText(/The invitation is valid until/);
    expect(api.callsTo('POST /api/onboarding/invitation')).toEqual([{ token }]);
    api.on('POST /api/onboarding/accept', { orgId: 'o1', userId: 'u1', invitationId: 'i1' });
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Accept and join' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/accept')).toEqual([
      { acceptTerms: true, termsVersion: TERMS, token },
    ]);
  });

  test('an expired link is explained before anything is accepted', async () => {
    const api = new FakeApi().on(
      'POST /api/onboarding/invitation',
      preview({ acceptable: false, problem: 'invitation_expired' }),
    );
    setup(invited, { inviteToken: 'B'.repeat(43), api });
    await screen.findByText('This invitation has expired: ask for a new one.');
    expect(screen.queryByRole('button', { name: 'Accept and join' })).toBeNull();
  });

  test('a link that fails on accepting is explained', async () => {
    const api = new FakeApi().on('POST /api/onboarding/invitation', preview());
    const { onJoined } = setup(invited, { inviteToken: 'B'.repeat(43), api });
    api.fail('POST /api/onboarding/accept', 410, 'invitation_expired');
    await screen.findByRole('heading', { name: 'You are invited to join Contoso' });
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Accept and join' }));
    expect((await screen.findByRole('alert')).textContent).toContain('This invitation has expired');
    expect(onJoined).not.toHaveBeenCalled();
  });

  test('a link replaced by a newer invitation says so and accepts the newer one', async () => {
    const api = new FakeApi().fail(
      'POST /api/onboarding/invitation',
      404,
      'not_found',
      'Invitation not found.',
    );
    const { onJoined } = setup(invited, { inviteToken: 'C'.repeat(43), api });
    await screen.findByRole('heading', { name: 'This invitation link was replaced' });
    screen.getByText(/sent you a newer invitation to Contoso, which replaces this link/);
    api.on('POST /api/onboarding/accept', { orgId: 'o1', userId: 'u1', invitationId: 'i1' });
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Accept and join' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    // The dead token is not sent: the newer invitation is accepted by the user's email.
    expect(api.callsTo('POST /api/onboarding/accept')).toEqual([{ acceptTerms: true, termsVersion: TERMS }]);
  });

  test('a link that no longer works, with no other invitation, says what to do (Spanish)', async () => {
    const api = new FakeApi().fail('POST /api/onboarding/invitation', 404, 'not_found');
    setup(
      { state: 'request_to_join', termsVersion: TERMS, org: { id: 'o', name: 'Contoso' }, request: null },
      { inviteToken: 'D'.repeat(43), api, locale: 'es' },
    );
    await screen.findByRole('heading', { name: 'Este enlace de invitación se ha sustituido' });
    screen.getByText(/Abre el correo de invitación más reciente de Tandem/);
    expect(screen.queryByRole('button', { name: 'Aceptar y unirme' })).toBeNull();
  });

  test('a link the server cannot check right now is explained', async () => {
    const api = new FakeApi().on('POST /api/onboarding/invitation', () => {
      throw new ApiError(503, 'error', 'The server is restarting');
    });
    setup(invited, { inviteToken: 'E'.repeat(43), api });
    expect((await screen.findByRole('alert')).textContent).toContain('The server is restarting');
  });
});

describe('request to join', () => {
  const open: OnboardingState = {
    state: 'request_to_join',
    termsVersion: TERMS,
    org: { id: 'o1', name: 'Contoso' },
    request: null,
  };

  test('sends the request with the terms, the message and the language, then asks again', async () => {
    const { api, onReload } = setup(open, { locale: 'es' });
    screen.getByRole('heading', { name: 'Contoso ya usa Tandem' });
    api.on('POST /api/onboarding/join-request', { id: 'r1' });
    fireEvent.change(screen.getByLabelText('Mensaje para los administradores (opcional)'), {
      target: { value: 'Soy de ventas' },
    });
    fireEvent.click(screen.getByRole('checkbox', { name: /versión 2026-01/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Solicitar unirme' }));
    await waitFor(() => expect(onReload).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/join-request')).toEqual([
      { acceptTerms: true, termsVersion: TERMS, language: 'es', message: 'Soy de ventas' },
    ]);
  });

  test('a refused request is shown', async () => {
    const { api, onReload } = setup(open);
    api.fail('POST /api/onboarding/join-request', 429, 'too_many_requests');
    acceptTerms();
    fireEvent.click(screen.getByRole('button', { name: 'Request to join' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Too many attempts');
    expect(onReload).not.toHaveBeenCalled();
  });

  test('a declined request says when, instead of an empty form, and may be asked again', () => {
    setup({
      ...open,
      declined: { id: 'r0', createdAt: '2026-11-20T08:00:00.000Z', decidedAt: '2026-11-22T15:00:00.000Z' },
    });
    screen.getByRole('heading', { name: 'Your request to join Contoso was declined' });
    screen.getByText(/declined the request you sent on 20 Nov 2026, on 22 Nov 2026/);
    expect(screen.queryByRole('button', { name: 'Request to join' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Ask again' }));
    screen.getByRole('button', { name: 'Request to join' });
  });

  test('a pending request says so and can be checked again', () => {
    const { onReload } = setup({ ...open, request: { id: 'r1', createdAt: '2026-11-25T08:00:00.000Z' } });
    screen.getByRole('heading', { name: 'Your request to join Contoso is pending' });
    expect(screen.queryByRole('button', { name: 'Request to join' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(onReload).toHaveBeenCalled();
  });
});

describe('associate my account', () => {
  test('email, then the one-time code, then joined', async () => {
    const { api, onJoined } = setup({ state: 'admin_required', termsVersion: TERMS });
    fireEvent.click(screen.getByRole('button', { name: 'Associate my account' }));
    const send = screen.getByRole('button', { name: 'Send code' });
    // An address that cannot be one says why, rather than only greying the button out.
    fireEvent.change(screen.getByLabelText(/Email of your Tandem account/), { target: { value: 'ana@old' } });
    fireEvent.click(send);
    await screen.findByText('Enter a complete email address, such as name@example.com.');
    expect(api.callsTo('POST /api/onboarding/associate/code')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText(/Email of your Tandem account/), {
      target: { value: 'ana@old.example' },
    });
    expect(screen.queryByText('Enter a complete email address, such as name@example.com.')).toBeNull();
    api.on('POST /api/onboarding/associate/code', {
      email: 'ana@old.example',
      expiresAt: '2026-11-25T10:15:00.000Z',
    });
    fireEvent.click(send);
    await screen.findByText(/If ana@old.example has a Tandem account/);
    expect(api.callsTo('POST /api/onboarding/associate/code')).toEqual([
      { email: 'ana@old.example', language: 'en' },
    ]);

    // A wrong code first: explained with the tries left, and the user can type again.
    api.on('POST /api/onboarding/associate/verify', () => {
      throw new ApiError(400, 'code_invalid', 'That code is not right; 2 attempts left.', {
        attemptsLeft: 2,
      });
    });
    fireEvent.change(screen.getByLabelText(/One-time code/), { target: { value: '12a34 56' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify and join' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That code is not right. Tries left: 2.');
    expect(onJoined).not.toHaveBeenCalled();

    api.on('POST /api/onboarding/associate/verify', { orgId: 'o', userId: 'u' });
    fireEvent.click(screen.getByRole('button', { name: 'Verify and join' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/associate/verify')).toEqual([
      { code: '123456' },
      { code: '123456' },
    ]);
  });

  test('the last wrong code, and a used-up code, say to send a new one (Spanish)', async () => {
    const { api } = setup({ state: 'admin_required', termsVersion: TERMS }, { locale: 'es' });
    fireEvent.click(screen.getByRole('button', { name: 'Asociar mi cuenta' }));
    fireEvent.change(screen.getByLabelText(/Correo de tu cuenta de Tandem/), {
      target: { value: 'ana@old.example' },
    });
    api.on('POST /api/onboarding/associate/code', {
      email: 'ana@old.example',
      expiresAt: '2026-11-25T10:15:00.000Z',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Enviar código' }));
    fireEvent.change(await screen.findByLabelText(/Código de un solo uso/), { target: { value: '111111' } });
    api.on('POST /api/onboarding/associate/verify', () => {
      throw new ApiError(400, 'code_invalid', 'That code is not right. Ask for a new code.', {
        attemptsLeft: 0,
      });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Verificar y unirme' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'El código no es correcto y no quedan intentos: envía un código nuevo.',
    );
    api.fail('POST /api/onboarding/associate/verify', 429, 'too_many_requests');
    fireEvent.click(screen.getByRole('button', { name: 'Verificar y unirme' }));
    await screen.findByText('Demasiados códigos erróneos para este: envía un código nuevo.');
  });

  test('from an invitation, and back', () => {
    setup({
      state: 'invited',
      termsVersion: TERMS,
      invitation: { id: 'i1', org: { id: 'o1', name: 'Contoso' }, expiresAt: '2026-12-01T10:00:00.000Z' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Associate my account' }));
    screen.getByRole('heading', { name: 'Associate my existing Tandem account' });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    screen.getByRole('heading', { name: 'You are invited to join Contoso' });
  });
});

describe('an account on the same email', () => {
  test('goes straight in', async () => {
    const api = new FakeApi().on('POST /api/onboarding/enter', { orgId: 'o', userId: 'u' });
    const onJoined = jest.fn();
    renderScreen(
      <OnboardingScreen
        api={api}
        state={{ state: 'existing_account', termsVersion: TERMS }}
        userName="Ana"
        onJoined={onJoined}
        onReload={jest.fn()}
        onSignOut={jest.fn()}
      />,
    );
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(1));
  });

  test('a failure can be retried', async () => {
    const { api, onJoined } = (() => {
      const fake = new FakeApi().fail('POST /api/onboarding/enter', 500, 'internal');
      const joined = jest.fn();
      renderScreen(
        <OnboardingScreen
          api={fake}
          state={{ state: 'existing_account', termsVersion: TERMS }}
          userName="Ana"
          onJoined={joined}
          onReload={jest.fn()}
          onSignOut={jest.fn()}
        />,
      );
      return { api: fake, onJoined: joined };
    })();
    await screen.findByRole('alert');
    api.on('POST /api/onboarding/enter', { orgId: 'o', userId: 'u' });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(1));
  });
});

test('a deactivated account is told so and can sign out', () => {
  const { onSignOut } = setup({ state: 'deactivated', termsVersion: TERMS });
  screen.getByText(/Your Tandem account has been deactivated/);
  expect(screen.queryByRole('button', { name: 'Associate my account' })).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
  expect(onSignOut).toHaveBeenCalled();
});
