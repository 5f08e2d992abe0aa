import { describe, expect, it } from 'vitest';
import { completeMention, mentionAt, richText, suggestMembers } from '../../web/lib/chat/mentions';
import { alice, bob } from './fixtures';

const dotted = { id: '3', name: 'j.r.' };

describe('mentions in message text', () => {
  it('marks the @names of the users the server resolved, keeping the text around them', () => {
    expect(richText('hi @Bob and @carol, see @alice.', [bob, alice])).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Bob', user: bob },
      { kind: 'text', text: ' and @carol, see ' },
      { kind: 'mention', text: '@alice', user: alice },
      { kind: 'text', text: '.' },
    ]);
  });

  it('prefers the longer reading of a name that may end in a dot', () => {
    expect(richText('ask @j.r. now', [dotted])).toEqual([
      { kind: 'text', text: 'ask ' },
      { kind: 'mention', text: '@j.r.', user: dotted },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('does not mark an @ inside a word or an address', () => {
    expect(richText('mail x@bob or a.@bob', [bob])).toEqual([{ kind: 'text', text: 'mail x@bob or a.@bob' }]);
  });

  it('leaves links whole and marks mentions beside them', () => {
    expect(richText('@bob https://example.com/@bob', [bob])).toEqual([
      { kind: 'mention', text: '@bob', user: bob },
      { kind: 'text', text: ' ' },
      { kind: 'link', text: 'https://example.com/@bob', href: 'https://example.com/@bob' },
    ]);
  });

  it('marks nothing when the server resolved no mention', () => {
    expect(richText('@bob', [])).toEqual([{ kind: 'text', text: '@bob' }]);
  });
});

describe('typing a mention', () => {
  it('finds the @name being typed at the caret', () => {
    expect(mentionAt('hello @bo', 9)).toEqual({ start: 6, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('hello @bo there', 15)).toBeNull();
    expect(mentionAt('mail a@bo', 9)).toBeNull();
  });

  it('completes it to the name and a space, with the caret after them', () => {
    expect(completeMention('hi @bo', 3, 6, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
    expect(completeMention('hi @bo there', 3, 6, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
  });

  it('suggests members starting with the query first, then containing it, never the viewer', () => {
    const members = [alice, bob, { id: '4', name: 'abby' }, { id: '5', name: 'rob' }];
    expect(suggestMembers(members, 'b', alice.id).map((m) => m.name)).toEqual(['bob', 'abby', 'rob']);
    expect(suggestMembers(members, 'OB', alice.id).map((m) => m.name)).toEqual(['bob', 'rob']);
  });
});
