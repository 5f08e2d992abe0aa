'use client';

import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useClient } from '@urql/next';
import type { WebhookRowFragment } from '@/gql/graphql';
import { exactTimeUtc, relativeTime } from '@/lib/chat/time';
import { errorMessage, fieldErrors } from '@/lib/errors';
import { lastUsedText, nameProblem } from '@/lib/integrations/labels';
import { CreateWebhookMutation, DeleteWebhookMutation, RoomWebhooksQuery } from '@/lib/operations/integrations';
import { ConfirmDialog } from '../ui/Dialog';
import { ShownOnce } from '../ui/ShownOnce';

/**
 * Owners and moderators, in the room settings: the room's incoming webhooks (name, who
 * made it, when, when it last posted), a new one (its URL shown once, with Copy), and
 * deleting one (asked first). Refusals show beside what was tried.
 */
export function WebhooksSection({ roomId }: { roomId: string }) {
  const client = useClient();
  const id = useId();
  const [webhooks, setWebhooks] = useState<WebhookRowFragment[] | null>(null);
  const [loadError, setLoadError] = useState<string>();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<WebhookRowFragment | null>(null);
  const [deleting, setDeleting] = useState<WebhookRowFragment | null>(null);
  const [deleteState, setDeleteState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const [notice, setNotice] = useState<string>();
  const now = Date.now();

  const load = useCallback(async () => {
    const result = await client.query(RoomWebhooksQuery, { id: roomId }, { requestPolicy: 'network-only' }).toPromise();
    const list = result.data?.room?.webhooks;
    if (!list) return setLoadError(errorMessage(result.error));
    setLoadError(undefined);
    setWebhooks(list);
  }, [client, roomId]);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    const problem = nameProblem(name);
    if (problem) return setNameError(problem);
    setNameError(undefined);
    setCreating(true);
    const result = await client.mutation(CreateWebhookMutation, { roomId, name: name.trim() }).toPromise();
    setCreating(false);
    const webhook = result.data?.createWebhook;
    if (!webhook) {
      const errors = fieldErrors(result.error, ['name']);
      return setNameError(errors.name ?? errors.form);
    }
    setCreated(webhook);
    setName('');
    setWebhooks((list) => [...(list ?? []), webhook]);
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteState({ busy: true });
    const result = await client.mutation(DeleteWebhookMutation, { id: deleting.id }).toPromise();
    if (!result.data?.deleteWebhook) return setDeleteState({ busy: false, error: errorMessage(result.error) });
    setWebhooks((list) => (list ?? []).filter((w) => w.id !== deleting.id));
    if (created?.id === deleting.id) setCreated(null);
    setNotice(`${deleting.name} was deleted: its URL no longer posts.`);
    setDeleting(null);
  };

  return (
    <section className="webhooks stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="settings-section-title">
        Incoming webhooks
      </h3>
      <p className="field-hint">Tools that post to Slack&apos;s incoming webhooks can post here as a bot.</p>
      {loadError && (
        <p className="field-error" role="alert">
          {loadError}
        </p>
      )}
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {webhooks === null && !loadError && <p className="muted">Loading webhooks…</p>}
      {webhooks?.length === 0 && <p className="muted">No webhooks yet.</p>}
      {webhooks && webhooks.length > 0 && (
        <ul className="webhooks-list" aria-label="Webhooks">
          {webhooks.map((webhook) => (
            <li key={webhook.id} className="webhook-row" data-webhook={webhook.name}>
              <div>
                <div className="webhook-name">{webhook.name}</div>
                <div className="session-meta">
                  By {webhook.createdBy.name} · created{' '}
                  <time dateTime={webhook.createdAt} title={exactTimeUtc(webhook.createdAt)}>
                    {relativeTime(webhook.createdAt, now)}
                  </time>{' '}
                  · last posted{' '}
                  {webhook.lastPostedAt ? (
                    <time dateTime={webhook.lastPostedAt} title={exactTimeUtc(webhook.lastPostedAt)}>
                      {lastUsedText(webhook.lastPostedAt, now)}
                    </time>
                  ) : (
                    lastUsedText(null, now)
                  )}
                </div>
              </div>
              <button
                type="button"
                className="button button-small button-quiet"
                aria-label={`Delete webhook ${webhook.name}`}
                onClick={() => {
                  setDeleteState({ busy: false });
                  setDeleting(webhook);
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {created && (
        <div className="stack">
          <p className="success" role="status">
            Webhook {created.name} created.
          </p>
          <ShownOnce label={`URL of ${created.name}`} value={created.url} testId="webhook-url" />
        </div>
      )}
      <form className="inline-form" onSubmit={create} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>New webhook&apos;s name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={64}
            autoComplete="off"
            placeholder="e.g. deploys"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name-error` : `${id}-name-hint`}
          />
          <p id={`${id}-name-hint`} className="field-hint">
            Its messages show this name, with a &quot;bot&quot; badge.
          </p>
          {nameError && (
            <p id={`${id}-name-error`} className="field-error" role="alert">
              {nameError}
            </p>
          )}
        </div>
        <button type="submit" className="button button-small" disabled={creating}>
          {creating ? 'Creating…' : 'Create webhook'}
        </button>
      </form>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete webhook ${deleting?.name ?? ''}?`}
        confirmLabel="Delete webhook"
        busy={deleteState.busy}
        error={deleteState.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
      >
        <p>Its URL stops posting at once, and cannot be brought back.</p>
      </ConfirmDialog>
    </section>
  );
}
