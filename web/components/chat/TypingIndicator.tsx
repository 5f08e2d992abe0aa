import { type Typing, typingSentence } from '@/lib/chat/typing-sentence';

/** Always takes its line, so the list does not jump when someone starts typing. */
export function TypingIndicator({ typing }: { typing: Typing }) {
  const sentence = typingSentence(typing);
  return (
    <div className="typing" data-testid="typing-indicator">
      {sentence && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {sentence}
        </>
      )}
    </div>
  );
}
