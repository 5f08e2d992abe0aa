import { describe, expect, it } from 'vitest';
import { centredSquare, displayNameProblem, shownProfile } from '../../web/lib/profile';
import { ProfileFeed, profilesSince } from '../../web/lib/profile-feed';

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
    const feed = new ProfileFeed();
    feed.hear({ ...ada, displayName: null, avatarUrl: null });
    feed.hear({ ...ada, displayName: null, avatarUrl: null, isDeleted: true });
    expect(profilesSince(feed.heard, 0).get('u1')?.isDeleted).toBe(true);
  });

  it('replaces what it heard only when something changed, so nothing re-renders for nothing', () => {
    const feed = new ProfileFeed();
    let told = 0;
    feed.listen(() => (told += 1));
    feed.hear({ ...ada, displayName: 'Ada', avatarUrl: null });
    const once = feed.heard;
    feed.hear({ ...ada, displayName: 'Ada', avatarUrl: null });
    expect(feed.heard).toBe(once);
    feed.hear({ ...ada, displayName: 'Ada L.', avatarUrl: null });
    expect(feed.heard).not.toBe(once);
    expect(told).toBe(2);
    expect(profilesSince(feed.heard, 0).get('u1')?.displayName).toBe('Ada L.');
  });

  it('keeps what a page may prefer to its own data: what was heard since the last break before it', () => {
    const feed = new ProfileFeed();
    const bob = { id: 'u2', name: 'bob', displayName: 'Bob', avatarUrl: null };
    feed.hear({ ...ada, displayName: 'Ada', avatarUrl: null });
    // A page that mounts now, its data read while the subscription was unbroken.
    const first = feed.stretch;
    feed.broke(); // the socket dropped: what changes now may be missed
    feed.hear(bob);
    const second = feed.stretch;
    // The first page still prefers both (each is newer than its data)...
    expect([...profilesSince(feed.heard, first).keys()]).toEqual(['u1', 'u2']);
    // ...a page that mounts after the break only what was heard since: its data may be newer.
    expect([...profilesSince(feed.heard, second).keys()]).toEqual(['u2']);
    // Heard again after the break, the same profile counts for the later page too.
    feed.hear({ ...ada, displayName: 'Ada', avatarUrl: null });
    expect(profilesSince(feed.heard, second).get('u1')?.displayName).toBe('Ada');
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
