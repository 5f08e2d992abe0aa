'use client';

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useClient } from '@urql/next';
import type { ProfileFieldsFragment } from '@/gql/graphql';
import type { Attachment } from '@/lib/chat/attachment-drafts';
import type { User } from '@/lib/chat/types';
import { type FieldErrors, fieldErrors } from '@/lib/errors';
import { UpdateProfileMutation, UploadFileMutation, ViewerProfileQuery } from '@/lib/operations/files';
import { DISPLAY_NAME_MAX_CHARS, centredSquare, displayNameProblem } from '@/lib/profile';
import { FILE_MAX_BYTES, UploadError, formatBytes, sendUpload } from '@/lib/upload';
import { Avatar } from '../chat/Avatar';
import { Dialog, DialogActions } from '../ui/Dialog';
import { useProfile, useRememberProfile } from './Profiles';

type Field = 'displayName' | 'avatarId';
const FIELDS: readonly Field[] = ['displayName', 'avatarId'];
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

interface Props {
  open: boolean;
  onClose: () => void;
  viewer: User;
  /** Where the picture is uploaded before it becomes the avatar (any room the viewer is in). */
  roomId: string;
}

/** The viewer's display name and avatar. */
export function ProfileDialog({ open, onClose, viewer, roomId }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="Your profile" className="profile-dialog">
      {/* A fresh form each time it opens, with the profile as it is now. */}
      {open && <ProfileForm viewer={viewer} roomId={roomId} onDone={onClose} />}
    </Dialog>
  );
}

/** A picture chosen for the avatar, before it is saved. */
interface Picked {
  file: File;
  preview: string;
  width?: number;
  height?: number;
}

function ProfileForm({ viewer, roomId, onDone }: { viewer: User; roomId: string; onDone: () => void }) {
  const client = useClient();
  const remember = useRememberProfile();
  const shown = useProfile(viewer);
  const id = useId();
  const [loaded, setLoaded] = useState<ProfileFieldsFragment | null>(null);
  const [displayName, setDisplayName] = useState('');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [removeAvatar, setRemoveAvatar] = useState(false);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  // The profile as the API has it now (another tab may have changed it).
  useEffect(() => {
    let current = true;
    void client
      .query(ViewerProfileQuery, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!current) return;
        const me = result.data?.me;
        if (me) {
          setLoaded(me);
          setDisplayName(me.displayName ?? '');
        } else setErrors(fieldErrors(result.error, FIELDS));
      });
    return () => {
      current = false;
    };
  }, [client]);

  // The preview's object URL lives as long as the picture is chosen.
  useEffect(() => (picked ? () => URL.revokeObjectURL(picked.preview) : undefined), [picked]);

  const choose = (file: File | undefined) => {
    if (!file) return;
    if (!AVATAR_TYPES.includes(file.type)) {
      return setErrors({ avatarId: 'Choose a PNG, JPEG, GIF or WebP picture.' });
    }
    if (file.size > FILE_MAX_BYTES) {
      return setErrors({
        avatarId: `That picture is ${formatBytes(file.size)}: it can be at most ${formatBytes(FILE_MAX_BYTES)}.`,
      });
    }
    setErrors({});
    setRemoveAvatar(false);
    setPicked({ file, preview: URL.createObjectURL(file) });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!loaded || busy) return;
    const problem = displayNameProblem(displayName);
    if (problem) return setErrors({ displayName: problem });
    setErrors({});
    let avatarId: string | undefined = removeAvatar ? '' : undefined;
    if (picked) {
      setBusy('Uploading picture…');
      try {
        const upload = sendUpload<{ uploadFile: Attachment }, { roomId: string; file: File }>({
          document: UploadFileMutation,
          variables: { roomId },
          file: picked.file,
          fileName: picked.file.name,
        });
        avatarId = (await upload.done).uploadFile.id;
      } catch (error) {
        setBusy(null);
        return setErrors({ avatarId: error instanceof UploadError ? error.message : 'The picture was not uploaded.' });
      }
    }
    const name = displayName.trim();
    const changes = {
      ...(name !== (loaded.displayName ?? '') && { displayName: name }),
      ...(avatarId !== undefined && { avatarId }),
    };
    if (Object.keys(changes).length === 0) {
      setBusy(null);
      return onDone();
    }
    setBusy('Saving…');
    const result = await client.mutation(UpdateProfileMutation, changes).toPromise();
    setBusy(null);
    const saved = result.data?.updateProfile;
    if (!saved) return setErrors(fieldErrors(result.error, FIELDS));
    remember(saved);
    onDone();
  };

  const described = (field: Field, hint: string) => (errors[field] ? `${id}-${field}-error` : hint);
  const square = picked?.width && picked.height ? centredSquare(picked.width, picked.height) : null;
  const currentAvatar = loaded?.avatarUrl ?? shown.avatarUrl;

  return (
    <form className="stack" onSubmit={submit} noValidate aria-busy={!loaded || undefined}>
      <div className="field">
        <label htmlFor={`${id}-name`}>Display name</label>
        <input
          id={`${id}-name`}
          value={displayName}
          maxLength={DISPLAY_NAME_MAX_CHARS}
          autoComplete="name"
          placeholder={viewer.name}
          disabled={!loaded}
          onChange={(e) => setDisplayName(e.target.value)}
          aria-invalid={errors.displayName ? true : undefined}
          aria-describedby={described('displayName', `${id}-name-hint`)}
        />
        <p id={`${id}-name-hint`} className="field-hint">
          Shown instead of your user name, @{viewer.name}, which mentions still use. Leave empty to show that.
        </p>
        {errors.displayName && (
          <p id={`${id}-displayName-error`} className="field-error">
            {errors.displayName}
          </p>
        )}
      </div>
      <fieldset className="field avatar-field">
        <legend>Picture</legend>
        <div className="avatar-editor">
          {picked ? (
            <div className="avatar-crop" data-testid="avatar-crop">
              {/* The square the server keeps: the centre of the picture, as object-fit: cover draws it. */}
              <img
                src={picked.preview}
                alt="Preview of your new picture, cropped to a square"
                onLoad={(e) => {
                  // Read now: React clears currentTarget once the handler returns.
                  const { naturalWidth: width, naturalHeight: height, src } = e.currentTarget;
                  setPicked((p) => (p && p.preview === src ? { ...p, width, height } : p));
                }}
              />
            </div>
          ) : removeAvatar || !currentAvatar ? (
            <Avatar user={{ ...viewer, avatarUrl: null }} size="lg" />
          ) : (
            <img className="avatar avatar-lg avatar-image" src={currentAvatar} alt="Your current picture" />
          )}
          <div className="avatar-editor-actions">
            <input
              ref={picker}
              id={`${id}-picture`}
              type="file"
              accept={AVATAR_TYPES.join(',')}
              className="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="avatar-input"
              onChange={(e) => {
                choose(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            <button
              type="button"
              className="button button-small button-quiet"
              disabled={!loaded}
              aria-describedby={described('avatarId', `${id}-picture-hint`)}
              onClick={() => picker.current?.click()}
            >
              {currentAvatar || picked ? 'Choose another picture' : 'Choose a picture'}
            </button>
            {(picked || (currentAvatar && !removeAvatar)) && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setPicked(null);
                  setRemoveAvatar(Boolean(currentAvatar));
                }}
              >
                {picked ? 'Keep the current picture' : 'Remove picture'}
              </button>
            )}
          </div>
        </div>
        <p id={`${id}-picture-hint`} className="field-hint" aria-live="polite">
          {square && picked?.width && picked.height
            ? `Your ${picked.width}×${picked.height} picture will be cropped to the ${square.size}×${square.size} square in its centre, as shown.`
            : removeAvatar
              ? 'Your picture will be removed: your initials show instead.'
              : `PNG, JPEG, GIF or WebP, at most ${formatBytes(FILE_MAX_BYTES)}. The square in its centre is kept.`}
        </p>
        {errors.avatarId && (
          <p id={`${id}-avatarId-error`} className="field-error">
            {errors.avatarId}
          </p>
        )}
      </fieldset>
      <DialogActions
        error={errors.form}
        label="Save"
        busyLabel={busy ?? 'Saving…'}
        busy={busy !== null || !loaded}
        onCancel={onDone}
      />
    </form>
  );
}
