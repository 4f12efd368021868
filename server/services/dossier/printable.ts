import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../config.js';

let sheetCss: string | undefined;

/** The printable forms' own style sheet and the few Bootstrap utilities they use, read once. */
function printCss(): string {
  sheetCss ??= [
    fs.readFileSync(path.join(projectRoot, 'public/css/payment-form.css'), 'utf8'),
    'body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }',
    '.mono { font-family: "Noto Sans Mono CJK SC", monospace; } .text-end { text-align: right; } .small { font-size: 0.875em; } .screen-only { display: none; }',
  ].join('\n');
  return sheetCss;
}

/**
 * A printable page (支付审批表, claim form, evaluation report) as a file that stands alone in the
 * dossier: the app's style sheets are put inline instead of links to the app (which a file opened
 * from a ZIP years later cannot reach), and the on-screen "back" line goes. Content is the page's.
 */
export function standalonePrintable(html: string): string {
  return html
    .replace(/<link rel="stylesheet" href="\/vendor\/bootstrap\/css\/bootstrap\.min\.css">\s*/, '')
    .replace(/<link rel="stylesheet" href="\/public\/css\/payment-form\.css">/, () => `<style>\n${printCss()}\n</style>`)
    .replace(/<p class="screen-only">[\s\S]*?<\/p>\s*/, '');
}
