// Writes the TypeScript snippets of README sections to files, for the pack test to compile them as a user would
// paste them: `node scripts/readme-snippets.mjs README.md <dir> "## Quick start" "### Testing your listeners"`.
// Each ```ts block of a section must open with a comment naming its file (`// app.ts`); a section without one
// fails, so the README cannot drop a snippet without the pack test noticing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [readmePath, outDir, ...headings] = process.argv.slice(2);
if (readmePath === undefined || outDir === undefined || headings.length === 0) {
  console.error('usage: node scripts/readme-snippets.mjs <README.md> <dir> "<## heading>"...');
  process.exit(2);
}
const lines = readFileSync(readmePath, 'utf8').split('\n');
mkdirSync(outDir, { recursive: true });

for (const heading of headings) {
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`${readmePath} has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const next = lines.findIndex((line, index) => {
    if (index <= start) return false;
    const hashes = /^(#+) /.exec(line)?.[1];
    return hashes !== undefined && hashes.length <= level;
  });
  const section = lines.slice(start + 1, next === -1 ? undefined : next);
  let written = 0;
  for (let index = 0; index < section.length; index++) {
    if (section[index] !== '```ts') continue;
    const end = section.indexOf('```', index + 1);
    const body = section.slice(index + 1, end);
    const file = /^\/\/ ([\w.-]+\.ts)\b/.exec(body[0] ?? '')?.[1];
    if (file !== undefined) {
      writeFileSync(join(outDir, file), `${body.join('\n')}\n`);
      console.log(`${heading} -> ${file} (${body.length} lines)`);
      written++;
    }
    index = end;
  }
  if (written === 0) throw new Error(`"${heading}" has no \`\`\`ts block opening with // <file>.ts`);
}
