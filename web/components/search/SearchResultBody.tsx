import { Fragment } from 'react';
import { exactTimeUtc, relativeTime } from '@/lib/chat/time';
import { excerpt } from '@/lib/search/highlight';
import type { SearchEdge } from '@/lib/search/results';

/**
 * A result's text with its matches marked: React text nodes and <mark>s, never HTML, so
 * markup in a message shows as typed. A long text is cut around its first match.
 */
export function HighlightedText({ text, highlights }: { text: string; highlights: SearchEdge['highlights'] }) {
  const { segments, clippedStart, clippedEnd } = excerpt(text, highlights);
  return (
    <p className="search-result-text">
      {clippedStart && '…'}
      {segments.map((segment, i) =>
        segment.match ? <mark key={i}>{segment.text}</mark> : <Fragment key={i}>{segment.text}</Fragment>,
      )}
      {clippedEnd && '…'}
    </p>
  );
}

interface Props {
  edge: SearchEdge;
  roomLabel: string;
  /** The clock relative times are counted from. */
  now: number;
}

/** What a result shows, in the header's list and on /search alike: where, who, when, and the text. */
export function SearchResultBody({ edge, roomLabel, now }: Props) {
  const { node } = edge;
  return (
    <>
      <span className="search-result-meta">
        <span className="search-result-room">{roomLabel}</span>
        <span className="search-result-author">{node.author.name}</span>
        <time dateTime={node.createdAt} title={exactTimeUtc(node.createdAt)}>
          {relativeTime(node.createdAt, now)}
        </time>
        {node.editedAt && <span className="search-result-edited">edited</span>}
      </span>
      <HighlightedText text={node.text} highlights={edge.highlights} />
    </>
  );
}
