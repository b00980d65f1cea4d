import { ApiError } from '../../src/taskpane/api-client';
import { describeError, profileName, translator } from '../../src/taskpane/i18n';

const es = translator('es');
const en = translator('en');

test('a failed Microsoft Graph call is worded by its kind, in the user’s language', () => {
  // What the sync engine and the Graph client throw: an error with a closed set of kinds.
  const unavailable = Object.assign(
    new Error('GET /graph/v1.0/me/calendars/AAMk/delta: 503 serviceNotAvailable'),
    {
      kind: 'temporary',
      code: 'serviceNotAvailable',
    },
  );
  expect(describeError(es, unavailable)).toBe(
    'Microsoft 365 no responde en este momento. Tandem lo volverá a intentar más tarde.',
  );
  expect(describeError(en, Object.assign(new Error('401'), { kind: 'auth' }))).toBe(
    'Microsoft 365 did not accept your sign-in: sign out and sign in again.',
  );
});

test('a network failure says the server cannot be reached', () => {
  expect(describeError(es, new TypeError('Failed to fetch'))).toBe(
    'No se puede conectar con el servidor. Comprueba tu conexión y vuelve a intentarlo.',
  );
});

test('known API codes are translated; unknown ones keep the server’s words', () => {
  expect(describeError(es, new ApiError(403, 'invitation_other_email', 'x'))).toMatch(/otra persona/);
  expect(describeError(es, new ApiError(409, 'conflict', 'You cannot deactivate yourself.'))).toBe(
    'Algo salió mal: You cannot deactivate yourself.',
  );
});

test('the two profiles every organisation starts with are translated, others are not', () => {
  expect(profileName(es, 'Administrator')).toBe('Administrador');
  expect(profileName(es, 'Standard user')).toBe('Usuario estándar');
  expect(profileName(es, 'Sales managers')).toBe('Sales managers');
  expect(profileName(en, 'Standard user')).toBe('Standard user');
});
