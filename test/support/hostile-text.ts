// Text a hostile token carries to a terminal or a log: escape sequences (erase a line, colour,
// window title, hyperlink), carriage return and line break, C1 CSI, DEL, line separators and
// bidi overrides, mixed with ordinary text and any code point up to C1.
import fc from 'fast-check';

export const hostileText = (maxParts: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '\u001b[2K\u001b[1A',
          '\u001b[32mVALID\u001b[0m',
          '\u001b]0;title\u0007',
          '\u001b]8;;https://evil.example\u001b\\',
          '\r',
          '\nFORGED',
          '\u009b2J',
          '\u007f',
          '\u2028',
          '\u202e',
          '\u2066',
          '\t',
        ),
        fc.string({ maxLength: 4 }),
        fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
      ),
      { minLength: 1, maxLength: maxParts },
    )
    .map((parts) => parts.join(''));
