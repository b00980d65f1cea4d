/** @jest-environment jsdom */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../src/taskpane/api-client';
import type { OnboardingState } from '../../src/taskpane/onboarding';
import { OnboardingScreen } from '../../src/taskpane/screens/onboarding-screen';
import { FakeApi } from './support/fake-api';
import { isDisabled, renderScreen } from './support/render';

const TERMS = '2026-01';
const TOKEN = 'B'.repeat(43);
const joinable: OnboardingState = {
  state: 'request_to_join',
  termsVersion: TERMS,
  org: { id: 'o2', name: 'Fabrikam' },
  request: null,
};

function setup(
  state: OnboardingState,
  options: { inviteToken?: string; locale?: 'en' | 'es'; api?: FakeApi } = {},
) {
  const api = options.api ?? new FakeApi();
  const onJoined = jest.fn();
  renderScreen(
    <OnboardingScreen
      api={api}
      state={state}
      inviteToken={options.inviteToken}
      userName="Gabriel Moreira"
      onJoined={onJoined}
      onReload={jest.fn()}
      onSignOut={jest.fn()}
    />,
    options.locale,
  );
  return { api, onJoined };
}

function guestInvitation(locale: 'en' | 'es' = 'en') {
  const api = new FakeApi();
  api.on('POST /api/onboarding/invitation', {
    org: { id: 'o1', name: 'Contoso' },
    expiresAt: '2026-12-01T10:00:00.000Z',
    email: 'gabriel.moreira@fabrikam.example',
    acceptable: true,
    problem: null,
    proof: 'code',
  });
  api.on('POST /api/onboarding/invitation/code', {
    email: 'gabriel.moreira@fabrikam.example',
    expiresAt: '2026-11-25T10:15:00.000Z',
  });
  return setup(joinable, { inviteToken: TOKEN, locale, api });
}

const wrong = (left: number) => () => {
  throw new ApiError(400, 'code_invalid', 'That code is not right.', { attemptsLeft: left });
};

describe('an invitation from another organisation (proof: code)', () => {
  test('explains why, sends the code to the invited address, and accepts with it', async () => {
    const { api, onJoined } = guestInvitation();
    await screen.findByRole('heading', { name: 'You are invited to join Contoso' });
    screen.getByText(
      /This invitation was sent to gabriel.moreira@fabrikam.example\. Your Microsoft 365 sign-in/,
    );
    // Nothing to accept before the code is on its way.
    expect(screen.queryByRole('button', { name: 'Accept and join' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Send the code' }));
    await screen.findByText(/We sent a code to gabriel.moreira@fabrikam.example/);
    expect(api.callsTo('POST /api/onboarding/invitation/code')).toEqual([{ token: TOKEN, language: 'en' }]);

    fireEvent.click(screen.getByRole('checkbox', { name: /terms of use/ }));
    const accept = screen.getByRole('button', { name: 'Accept and join' });
    expect(isDisabled(accept)).toBe(true);
    fireEvent.change(screen.getByLabelText(/Code from the email/), { target: { value: '12 34-56' } });
    expect(isDisabled(accept)).toBe(false);

    // A wrong code says how many tries are left; the user types again.
    api.on('POST /api/onboarding/accept', wrong(2));
    fireEvent.click(accept);
    expect((await screen.findByRole('alert')).textContent).toBe('That code is not right. Tries left: 2.');
    expect(onJoined).not.toHaveBeenCalled();

    api.on('POST /api/onboarding/accept', { orgId: 'o1', userId: 'u1', invitationId: 'i1' });
    fireEvent.click(accept);
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
    expect(api.callsTo('POST /api/onboarding/accept')).toEqual([
      { acceptTerms: true, termsVersion: TERMS, token: TOKEN, code: '123456' },
      { acceptTerms: true, termsVersion: TERMS, token: TOKEN, code: '123456' },
    ]);
  });

  test('no tries left, too many wrong codes, and an expired code each say to send a new one (Spanish)', async () => {
    const { api } = guestInvitation('es');
    fireEvent.click(await screen.findByRole('button', { name: 'Enviar el código' }));
    fireEvent.change(await screen.findByLabelText(/Código del correo/), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /condiciones de uso/ }));
    const accept = screen.getByRole('button', { name: 'Aceptar y unirme' });

    api.on('POST /api/onboarding/accept', wrong(0));
    fireEvent.click(accept);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'El código no es correcto y no quedan intentos: envía un código nuevo.',
    );
    api.fail('POST /api/onboarding/accept', 429, 'too_many_requests');
    fireEvent.click(accept);
    await screen.findByText('Demasiados códigos erróneos para este: envía un código nuevo.');
    api.fail('POST /api/onboarding/accept', 410, 'code_expired');
    fireEvent.click(accept);
    await screen.findByText('El código ha caducado. Pide uno nuevo.');

    // A new code clears the field; the same link's token goes with it.
    fireEvent.click(screen.getByRole('button', { name: 'Enviar un código nuevo' }));
    await waitFor(() => expect(api.callsTo('POST /api/onboarding/invitation/code')).toHaveLength(2));
    expect((screen.getByLabelText(/Código del correo/) as HTMLInputElement).value).toBe('');
    expect(api.callsTo('POST /api/onboarding/invitation/code')[1]).toEqual({ token: TOKEN, language: 'es' });
  });

  test('a code that cannot be sent is explained and can be asked for again', async () => {
    const { api } = guestInvitation();
    api.fail('POST /api/onboarding/invitation/code', 429, 'too_many_requests');
    fireEvent.click(await screen.findByRole('button', { name: 'Send the code' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Too many attempts. Wait a little and try again.',
    );
    screen.getByRole('button', { name: 'Send the code' });
  });

  test('an invitation the sign-in vouches for (proof: claim) asks for no code', async () => {
    const api = new FakeApi().on('POST /api/onboarding/invitation', {
      org: { id: 'o1', name: 'Contoso' },
      expiresAt: '2026-12-01T10:00:00.000Z',
      email: 'ana@contoso.example',
      acceptable: true,
      problem: null,
      proof: 'claim',
    });
    setup(joinable, { inviteToken: TOKEN, api });
    await screen.findByRole('button', { name: 'Accept and join' });
    expect(screen.queryByRole('button', { name: /Send (the )?code/ })).toBeNull();
  });
});

describe('opening the add-in when the address must be proven', () => {
  test('install refused with email_unconfirmed leads to proving the address by a code', async () => {
    const { api, onJoined } = setup({ state: 'install', termsVersion: TERMS });
    api.fail('POST /api/onboarding/install', 409, 'email_unconfirmed');
    fireEvent.click(screen.getByRole('checkbox', { name: /terms of use/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Accept and install' }));
    await screen.findByRole('heading', { name: 'Prove your email address' });
    screen.getByText(/A Tandem account already uses your email address/);
    fireEvent.change(screen.getByLabelText(/Email of your Tandem account/), {
      target: { value: 'gabriel.moreira@fabrikam.example' },
    });
    api.on('POST /api/onboarding/associate/code', {
      email: 'gabriel.moreira@fabrikam.example',
      expiresAt: '2026-11-25T10:15:00.000Z',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    fireEvent.change(await screen.findByLabelText(/One-time code/), { target: { value: '654321' } });
    api.on('POST /api/onboarding/associate/verify', { orgId: 'o', userId: 'u' });
    fireEvent.click(screen.getByRole('button', { name: 'Verify and join' }));
    await waitFor(() => expect(onJoined).toHaveBeenCalled());
  });

  test('in Spanish', async () => {
    const { api } = setup({ state: 'install', termsVersion: TERMS }, { locale: 'es' });
    api.fail('POST /api/onboarding/install', 409, 'email_unconfirmed');
    fireEvent.click(screen.getByRole('checkbox', { name: /condiciones de uso/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Aceptar e instalar' }));
    await screen.findByRole('heading', { name: 'Demuestra tu dirección de correo' });
    screen.getByRole('button', { name: 'Enviar código' });
  });
});
