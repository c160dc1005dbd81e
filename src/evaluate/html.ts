// HTML for the offline reports (the evaluation report and the drift report): every piece of text
// that reaches a page goes through esc(), so a feature or model name can never inject markup.

export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A self-contained page: inline CSS, no scripts, fonts or links, so it opens offline. */
export function htmlPage(title: string, css: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A table from a header row and body rows; cells are escaped here. numeric marks right-aligned columns. */
export function table(
  caption: string,
  head: string[],
  rows: (string | number)[][],
  numeric: boolean[] = [],
): string {
  const th = head.map((h, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c, i) =>
            i === 0
              ? `<th scope="row">${esc(c)}</th>`
              : `<td${numeric[i] ? ' class="num"' : ""}>${esc(c)}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table>\n<caption>${esc(caption)}</caption>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
