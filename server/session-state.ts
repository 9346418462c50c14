// The login state machine of a control connection, and which commands each state admits.
//
//   connecting ──(TLS handshake for implicit FTPS, then 220)──▶ need-user
//   need-user ──USER──▶ need-password ──PASS ok──▶ logged-in
//                            │  └──PASS wrong (530, delay)──▶ need-user
//   any state ──REIN──▶ need-user          any state ──QUIT──▶ closed
//
// The state itself is held by user-session.ts. Orthogonal to it: TLS (AUTH, in
// control-connection.ts; PBSZ → PROT, data-settings.ts), RNFR → RNTO (user-session.ts),
// REST → next transfer and the data connection set up by PASV/EPSV/PORT/EPRT
// (data-settings.ts), and at most one transfer at a time, during which only ABOR, STAT
// and QUIT are answered at once (session.ts).

export type LoginState = 'connecting' | 'need-user' | 'need-password' | 'logged-in';

/** When a command may run. */
export type Access =
  /** At any time: NOOP, QUIT, FEAT, HELP, AUTH… */
  | 'any'
  /** Part of logging in: USER, PASS, ACCT, HOST. */
  | 'login'
  /** Only for a logged-in user. */
  | 'session';

export interface Refusal {
  code: number;
  text: string;
}

export interface AdmitContext {
  state: LoginState;
  /** The control connection is protected by TLS. */
  secure: boolean;
  /** The server requires TLS before USER/PASS. */
  tlsRequired: boolean;
}

/** Why `verb` may not run now, or null when it may. */
export function admit(verb: string, access: Access, ctx: AdmitContext): Refusal | null {
  const { state } = ctx;
  if (access === 'session') {
    return state === 'logged-in' ? null : { code: 530, text: 'Please log in with USER and PASS first' };
  }
  if (access !== 'login') return null;
  // Refused at USER already, the same way for every name, so that the client does not
  // go on to send the password in clear text.
  if ((verb === 'USER' || verb === 'PASS') && ctx.tlsRequired && !ctx.secure) {
    return { code: 530, text: 'TLS is required: send AUTH TLS before logging in' };
  }
  switch (verb) {
    case 'USER':
      return state === 'logged-in' ? { code: 503, text: 'Already logged in (REIN to log in again)' } : null;
    case 'PASS':
      if (state === 'need-password') return null;
      return { code: 503, text: state === 'logged-in' ? 'Already logged in' : 'Send USER first' };
    case 'HOST':
      return state === 'need-user' ? null : { code: 503, text: 'HOST must come before USER' };
    case 'ACCT':
      return state === 'logged-in' ? null : { code: 503, text: 'Log in with USER and PASS first' };
    default:
      return null;
  }
}
