'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';

interface Props {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** `alertdialog` for a confirmation. */
  role?: 'dialog' | 'alertdialog';
  className?: string;
}

/**
 * A modal dialog on the browser's <dialog>: focus stays inside while it is open, Escape
 * and a click on the backdrop close it, and focus goes back to where it was before.
 */
export function Dialog({ open, onClose, title, children, role, className }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const id = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      el.showModal();
      el.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, button:not(.dialog-close)')?.focus();
    } else if (!open && el.open) {
      el.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className={`dialog ${className ?? ''}`}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={`${id}-title`}
      aria-modal="true"
      onClose={(event) => {
        // React passes a nested dialog's close (a confirmation inside this one) up here too.
        if (event.target !== event.currentTarget) return;
        onClose();
        const target = returnTo.current;
        if (target?.isConnected) target.focus();
      }}
      onClick={(event) => event.target === dialog.current && dialog.current?.close()}
    >
      {open && (
        <div className="dialog-body">
          <div className="dialog-head">
            <h2 id={`${id}-title`} className="dialog-title">
              {title}
            </h2>
            <button
              type="button"
              className="icon-button icon-button-small dialog-close"
              aria-label="Close"
              onClick={() => dialog.current?.close()}
            >
              <span aria-hidden="true">✕</span>
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

interface ConfirmProps {
  open: boolean;
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

interface ActionsProps {
  /** What went wrong with the whole form, shown above the buttons. */
  error?: string;
  /** The main button's label, and while the action runs. */
  label: string;
  busyLabel: string;
  busy?: boolean;
  danger?: boolean;
  /** Present: the main button acts on click; absent: it submits its form. */
  onConfirm?: () => void;
  onCancel: () => void;
  /** Cancel has the focus first (for what cannot be undone). */
  cancelFirst?: boolean;
}

/** A dialog's error line and its Cancel and main buttons. */
export function DialogActions(props: ActionsProps) {
  const { error, label, busyLabel, busy, danger, onConfirm, onCancel, cancelFirst } = props;
  return (
    <>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="button button-quiet"
          data-autofocus={cancelFirst || undefined}
          onClick={onCancel}
        >
          Cancel
        </button>
        <button
          type={onConfirm ? 'button' : 'submit'}
          className={danger ? 'button button-danger' : 'button'}
          disabled={busy}
          onClick={onConfirm}
        >
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}

/** "Are you sure?" for something that cannot be undone with a click: Cancel has focus first. */
export function ConfirmDialog(props: ConfirmProps) {
  const { open, title, children, confirmLabel, busy, error, onConfirm, onCancel } = props;
  return (
    <Dialog open={open} onClose={onCancel} title={title} role="alertdialog">
      <div className="stack">
        <div>{children}</div>
        <DialogActions
          error={error}
          label={confirmLabel}
          busyLabel="Working…"
          busy={busy}
          danger
          onConfirm={onConfirm}
          onCancel={onCancel}
          cancelFirst
        />
      </div>
    </Dialog>
  );
}
