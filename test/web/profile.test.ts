import { describe, expect, it } from 'vitest';
import { centredSquare, displayNameProblem, mergeProfile, shownProfile } from '../../web/lib/profile';

const ada = { id: 'u1', name: 'ada' };

describe('how a person is shown', () => {
  it('shows the display name they chose, else the user name', () => {
    expect(shownProfile({ ...ada, displayName: 'Ada Lovelace' }, undefined).name).toBe('Ada Lovelace');
    expect(shownProfile({ ...ada, displayName: null }, undefined).name).toBe('ada');
    expect(shownProfile({ ...ada, displayName: '   ' }, undefined).name).toBe('ada');
  });

  it('takes a profile heard live over the one the page was rendered with', () => {
    const heard = { ...ada, displayName: null, avatarUrl: '/files/new' };
    const shown = shownProfile({ ...ada, displayName: 'Old', avatarUrl: '/files/old' }, heard);
    expect(shown).toEqual({ name: 'ada', userName: 'ada', avatarUrl: '/files/new', isDeleted: false });
  });

  it('shows an account deleted while the page is open as deleted, heard live', () => {
    expect(shownProfile(ada, undefined).isDeleted).toBe(false);
    expect(shownProfile(ada, { ...ada, name: 'deleted user #u1', isDeleted: true }).isDeleted).toBe(true);
    expect(shownProfile({ ...ada, isDeleted: true }, undefined).isDeleted).toBe(true);
    const heard = mergeProfile(new Map([['u1', { ...ada, displayName: null, avatarUrl: null }]]), {
      ...ada,
      displayName: null,
      avatarUrl: null,
      isDeleted: true,
    });
    expect(heard.get('u1')?.isDeleted).toBe(true);
  });

  it('replaces the map only when something changed, so nothing re-renders for nothing', () => {
    const once = mergeProfile(new Map(), { ...ada, displayName: 'Ada', avatarUrl: null });
    expect(mergeProfile(once, { ...ada, displayName: 'Ada', avatarUrl: null })).toBe(once);
    const twice = mergeProfile(once, { ...ada, displayName: 'Ada L.', avatarUrl: null });
    expect(twice).not.toBe(once);
    expect(twice.get('u1')?.displayName).toBe('Ada L.');
  });
});

describe('profile input', () => {
  it('refuses a display name over 64 characters and takes an empty one (it clears)', () => {
    expect(displayNameProblem('x'.repeat(65))).toMatch(/at most 64/);
    expect(displayNameProblem('x'.repeat(64))).toBeUndefined();
    expect(displayNameProblem('')).toBeUndefined();
  });

  it('crops an avatar to the centred square, as the server does', () => {
    expect(centredSquare(800, 600)).toEqual({ left: 100, top: 0, size: 600 });
    expect(centredSquare(600, 901)).toEqual({ left: 0, top: 150, size: 600 });
    expect(centredSquare(500, 500)).toEqual({ left: 0, top: 0, size: 500 });
  });
});
