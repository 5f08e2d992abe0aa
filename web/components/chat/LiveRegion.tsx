/**
 * Screen readers hear new messages from others here, politely, without the history
 * being read out. Only the last few stay in the region.
 */
export function LiveRegion({ announcements }: { announcements: readonly { key: string; text: string }[] }) {
  return (
    <div className="visually-hidden" aria-live="polite" aria-relevant="additions" data-testid="announcer">
      {announcements.map((a) => (
        <p key={a.key}>{a.text}</p>
      ))}
    </div>
  );
}
