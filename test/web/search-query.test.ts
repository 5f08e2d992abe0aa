import { describe, expect, it } from 'vitest';
import { messageLink, parseSearch, resolveRoom, searchLink } from '../../web/lib/search/query';
import { searchRequest } from '../../web/lib/search/request';
import { roomChoices } from '../../web/lib/search/results';

const rooms = [
  { id: 'general', name: 'General', direct: false },
  { id: 'quiet-corner', name: 'Quiet corner', direct: false },
  { id: 'café-talk', name: 'Café talk', direct: false },
  { id: 'dm-1a2b', name: 'bob', direct: true },
];

describe('search syntax', () => {
  it('passes words, from: and quoted phrases through as typed', () => {
    expect(parseSearch('deploy from:alice "release notes"')).toEqual({
      text: 'deploy from:alice "release notes"',
      room: null,
    });
    expect(parseSearch('  spaced    out  ')).toEqual({ text: 'spaced out', room: null });
  });

  it('takes in:room out of the text, wherever it stands', () => {
    expect(parseSearch('in:general deploy')).toEqual({ text: 'deploy', room: 'general' });
    expect(parseSearch('deploy in:general from:bob')).toEqual({ text: 'deploy from:bob', room: 'general' });
    expect(parseSearch('IN:#general deploy')).toEqual({ text: 'deploy', room: 'general' });
  });

  it('reads a quoted room name, and the last in: when there are several', () => {
    expect(parseSearch('in:"Quiet corner" lamp')).toEqual({ text: 'lamp', room: 'Quiet corner' });
    expect(parseSearch('in:a in:b lamp')).toEqual({ text: 'lamp', room: 'b' });
  });

  it('leaves in: inside a quoted phrase alone, and keeps a phrase whole', () => {
    expect(parseSearch('"check in:general later" x')).toEqual({ text: '"check in:general later" x', room: null });
    expect(parseSearch('"an open quote in:general')).toEqual({ text: '"an open quote in:general', room: null });
  });

  it('drops a bare in: still being typed', () => {
    expect(parseSearch('deploy in:')).toEqual({ text: 'deploy', room: null });
    expect(parseSearch('in:')).toEqual({ text: '', room: null });
  });

  it('finds the viewer’s room by id, then name, without regard to case, accents or #', () => {
    expect(resolveRoom('general', rooms)?.id).toBe('general');
    expect(resolveRoom('#GENERAL', rooms)?.id).toBe('general');
    expect(resolveRoom('Quiet corner', rooms)?.id).toBe('quiet-corner');
    expect(resolveRoom('quiet-corner', rooms)?.id).toBe('quiet-corner');
    expect(resolveRoom('cafe talk', rooms)?.id).toBe('café-talk');
    expect(resolveRoom('Bob', rooms)?.id).toBe('dm-1a2b');
    expect(resolveRoom('nowhere', rooms)).toBeNull();
    expect(resolveRoom('', rooms)).toBeNull();
  });

  it('turns the input into the API’s arguments, or says why it cannot', () => {
    expect(searchRequest('deploy in:quiet-corner', rooms, null)).toEqual({ query: 'deploy', roomId: 'quiet-corner' });
    // "This room only" gives the room, and in: overrides it.
    expect(searchRequest('deploy', rooms, 'general')).toEqual({ query: 'deploy', roomId: 'general' });
    expect(searchRequest('deploy in:bob', rooms, 'general')).toEqual({ query: 'deploy', roomId: 'dm-1a2b' });
    expect(searchRequest('   ', rooms, null)).toEqual({ kind: 'idle' });
    expect(searchRequest('in:general', rooms, null)).toEqual({ kind: 'needs-words', room: '#General' });
    expect(searchRequest('x in:nowhere', rooms, null)).toEqual({ kind: 'unknown-room', room: 'nowhere' });
  });

  it('builds links to a message and to a shareable search', () => {
    expect(messageLink('general', 'm 1')).toBe('/rooms/general?around=m%201#message-m%201');
    expect(searchLink('"a b" from:x', 'general')).toBe('/search?q=%22a+b%22+from%3Ax&room=general');
    expect(searchLink('x', null, 'c9')).toBe('/search?q=x&after=c9');
  });

  it('knows a direct room by its people\u2019s user names, never by the names they chose', () => {
    // Mallory chose "general" as her display name; her direct room with alice comes first.
    const mallory = { id: 'u9', name: 'mallory', displayName: 'general', avatarUrl: null };
    const listed = [
      { id: 'dm-9f9f', name: 'alice, mallory', kind: 'DIRECT' as const, people: [mallory] },
      { id: 'general', name: 'General', kind: 'CHANNEL' as const, people: [] },
    ];
    const choices = roomChoices(listed, 'alice');
    expect(choices[0]).toEqual({ id: 'dm-9f9f', name: 'mallory', direct: true });
    expect(resolveRoom('general', choices)?.id).toBe('general');
    expect(resolveRoom('mallory', choices)?.id).toBe('dm-9f9f');
  });
});
