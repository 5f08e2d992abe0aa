import { afterEach, describe, expect, it, vi } from 'vitest';
import { centredSquare, displayNameProblem, shownProfile } from '../../web/lib/profile';
import { KEEP_AFTER_LAST_PAGE_MS, ProfileFeed, ProfileSubscription, profilesSince } from '../../web/lib/profile-feed';

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

describe("the tab's profile subscription", () => {
  afterEach(() => vi.useRealTimers());

  /** A socket that counts subscriptions and lets the test speak for the server. */
  function source() {
    const state = {
      started: 0,
      stopped: 0,
      hear: (_: { id: string; name: string; displayName: string | null }) => {},
      end: () => {},
      reconnected: () => {},
    };
    return {
      state,
      subscribe(hear: typeof state.hear, ended: () => void) {
        state.started += 1;
        state.hear = hear;
        state.end = ended;
        return () => (state.stopped += 1);
      },
      onReconnected(listener: () => void) {
        state.reconnected = listener;
        return () => (state.reconnected = () => {});
      },
    };
  }

  it('lives through a navigation (one page goes, the next comes) and ends a while after the last page', () => {
    vi.useFakeTimers();
    const feed = new ProfileFeed();
    const socket = source();
    const subscription = new ProfileSubscription(feed, socket);
    const first = subscription.hold();
    first();
    const second = subscription.hold(); // the next page, mounted after the first unmounted
    expect(socket.state.started).toBe(1);
    // A change made as the next page loads is heard.
    socket.state.hear({ id: 'u1', name: 'ada', displayName: 'Ada' });
    expect(profilesSince(feed.heard, feed.stretch).get('u1')?.displayName).toBe('Ada');
    vi.advanceTimersByTime(KEEP_AFTER_LAST_PAGE_MS * 2);
    expect(socket.state.stopped).toBe(0);

    second();
    second(); // released twice (a remount in development): counted once
    vi.advanceTimersByTime(KEEP_AFTER_LAST_PAGE_MS - 1);
    expect(subscription.running).toBe(true);
    vi.advanceTimersByTime(1);
    expect(socket.state.stopped).toBe(1);
    expect(subscription.running).toBe(false);
    // Ended, changes may be missed: a later page does not prefer what was heard before.
    const later = feed.stretch;
    expect(profilesSince(feed.heard, later).size).toBe(0);
    subscription.hold();
    expect(socket.state.started).toBe(2);
  });

  it('starts a new stretch on a reconnect, and starts again after the server ended it', () => {
    const feed = new ProfileFeed();
    const socket = source();
    const subscription = new ProfileSubscription(feed, socket);
    subscription.hold();
    const before = feed.stretch;
    socket.state.reconnected();
    expect(feed.stretch).toBe(before + 1);
    socket.state.end(); // refused (signed out elsewhere)
    expect(subscription.running).toBe(false);
    subscription.hold();
    expect(socket.state.started).toBe(2);
    expect(subscription.running).toBe(true);
  });
});
