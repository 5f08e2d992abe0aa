/**
 * Characters as people count them closely enough for limits: Unicode code points, so an
 * emoji or a CJK supplementary character is one, not the two UTF-16 units of `length`
 * (and PostgreSQL's `char_length` agrees).
 */
export function charCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
