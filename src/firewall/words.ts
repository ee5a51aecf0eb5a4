// Splitting one printed rule into words. iptables-save and nft both quote with double quotes and escape with a
// backslash; a quoted word keeps its `quoted` mark so `"-x"` is never mistaken for an option.

export interface Word {
  value: string;
  quoted: boolean;
}

/** Splits on blanks, honouring double quotes. `complete` is false when a quote was left open. */
export function splitWords(line: string): { words: Word[]; complete: boolean } {
  const words: Word[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    let value = '';
    let quoted = false;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      if (line[i] === '"') {
        quoted = true;
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length) i++;
          value += line[i];
          i++;
        }
        if (i >= line.length) return { words: [...words, { value, quoted }], complete: false };
        i++; // closing quote
      } else {
        value += line[i];
        i++;
      }
    }
    words.push({ value, quoted });
  }
  return { words, complete: true };
}
