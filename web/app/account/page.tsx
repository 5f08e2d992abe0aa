import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ChangePasswordForm } from '@/components/account/ChangePasswordForm';
import { CreateTokenForm } from '@/components/account/CreateTokenForm';
import { DeleteAccountSection } from '@/components/account/DeleteAccountSection';
import { deviceLabel } from '@/lib/account/device';
import { revokeAccessToken, revokeSession, signOutOthers } from '@/lib/actions/account';
import { exactTimeUtc, relativeTime } from '@/lib/chat/time';
import { errorCode, errorMessage } from '@/lib/errors';
import { lastUsedText } from '@/lib/integrations/labels';
import { AccountQuery } from '@/lib/operations/account';
import { requestClient } from '@/lib/server/api';
import { sessionToken } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Account' };

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** What the last action did, from the address it redirected to (fixed texts only). */
function noticeText(notice: string | undefined, count: string | undefined): { text: string; error?: boolean } | null {
  if (notice === 'revoked') return { text: 'That device was signed out.' };
  if (notice === 'token-revoked') return { text: 'That token was revoked: it no longer works.' };
  if (notice === 'failed') return { text: 'That did not work. Reload the page and try again.', error: true };
  if (notice === 'others') {
    const n = Number.parseInt(count ?? '', 10);
    if (!Number.isFinite(n) || n < 0) return { text: 'Every other device was signed out.' };
    return { text: n === 0 ? 'No other device was signed in.' : `Signed out ${n} other device${n === 1 ? '' : 's'}.` };
  }
  return null;
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The account: change the password, see where one is signed in (device, last use,
 * "this device"), signing out any other or all of them, and personal access tokens for
 * scripts (created, shown once, revoked). Server-rendered, and every form is a server
 * action, so all of it works without JavaScript.
 */
export default async function AccountPage({ searchParams }: Props) {
  if (!(await sessionToken())) redirect('/signin');
  const params = await searchParams;
  const { client } = await requestClient();
  const result = await client.query(AccountQuery, {}).toPromise();
  if (errorCode(result.error) === 'UNAUTHENTICATED' || (result.data && !result.data.me)) redirect('/signin');
  const me = result.data?.me;
  const sessions = result.data?.sessions ?? [];
  const tokens = result.data?.accessTokens ?? [];
  const notice = noticeText(one(params.notice), one(params.count));
  const now = Date.now();
  const others = sessions.filter((s) => !s.current);

  return (
    <main className="account-page" id="main">
      <div className="search-page-head">
        <h1 className="auth-title">Your account{me ? `: ${me.name}` : ''}</h1>
        <Link href="/">Back to your rooms</Link>
      </div>
      {!result.data && (
        <p className="form-error" role="alert">
          {errorMessage(result.error)}
        </p>
      )}
      {notice && (
        <p className={notice.error ? 'form-error' : 'success'} role={notice.error ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      <section>
        <ChangePasswordForm />
      </section>
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <ul className="sessions-list" data-testid="sessions">
          {sessions.map((session) => (
            <li key={session.id} className="session-row" data-current={session.current || undefined}>
              <div>
                <div className="session-device" title={session.device}>
                  {deviceLabel(session.device)}
                  {session.current && <span className="this-device">This device</span>}
                </div>
                <div className="session-meta">
                  Last used{' '}
                  <time dateTime={session.lastUsedAt} title={exactTimeUtc(session.lastUsedAt)}>
                    {relativeTime(session.lastUsedAt, now)}
                  </time>{' '}
                  · signed in{' '}
                  <time dateTime={session.createdAt} title={exactTimeUtc(session.createdAt)}>
                    {relativeTime(session.createdAt, now)}
                  </time>
                </div>
              </div>
              {!session.current && (
                <form action={revokeSession}>
                  <input type="hidden" name="id" value={session.id} />
                  <button
                    type="submit"
                    className="button button-small button-quiet"
                    aria-label={`Sign out ${deviceLabel(session.device)}, last used ${relativeTime(session.lastUsedAt, now)}`}
                  >
                    Sign out
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        {others.length > 0 && (
          <form action={signOutOthers}>
            <button type="submit" className="button button-quiet">
              Sign out everywhere else
            </button>
          </form>
        )}
      </section>
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">Access tokens</h2>
        <p className="field-hint">
          For scripts and bots: send one as <code>Authorization: Bearer</code>. A token works until you revoke it.
        </p>
        {tokens.length === 0 ? (
          <p className="muted">No access tokens.</p>
        ) : (
          <ul className="tokens-list" data-testid="access-tokens">
            {tokens.map((token) => (
              <li key={token.id} className="token-row" data-token={token.name}>
                <div>
                  <div className="token-name">{token.name}</div>
                  <div className="session-meta">
                    Created{' '}
                    <time dateTime={token.createdAt} title={exactTimeUtc(token.createdAt)}>
                      {relativeTime(token.createdAt, now)}
                    </time>{' '}
                    · last used{' '}
                    {token.lastUsedAt ? (
                      <time dateTime={token.lastUsedAt} title={exactTimeUtc(token.lastUsedAt)}>
                        {lastUsedText(token.lastUsedAt, now)}
                      </time>
                    ) : (
                      lastUsedText(null, now)
                    )}
                  </div>
                </div>
                <form action={revokeAccessToken}>
                  <input type="hidden" name="id" value={token.id} />
                  <button
                    type="submit"
                    className="button button-small button-quiet"
                    aria-label={`Revoke token ${token.name}`}
                  >
                    Revoke
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <CreateTokenForm />
      </section>
      <section aria-labelledby="data-title">
        <h2 id="data-title">Your data</h2>
        <p className="field-hint">
          Your profile, the rooms you are in, your messages and reactions, your token names and webhooks, as one JSON
          file.
        </p>
        <a className="button button-quiet" href="/export/me.json" download data-testid="download-data">
          Download my data
        </a>
      </section>
      <DeleteAccountSection />
    </main>
  );
}
