// Parses and validates an AsyncAPI document with @asyncapi/parser (its JSON Schema and Spectral rules, with
// relative $refs resolved), prints every diagnostic, and exits 1 on any error. Usage: node check.cjs FILE
const path = require('path');
const { Parser, fromFile, DiagnosticSeverity } = require('@asyncapi/parser');

async function main() {
  const file = path.resolve(process.argv[2]);
  const parser = new Parser();
  const { document, diagnostics } = await fromFile(parser, file).parse();
  const name = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning',
                 [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };
  let errors = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors++;
    console.log(`${name[d.severity] || d.severity} ${d.code} at ${(d.path || []).join('/') || '/'}: ${d.message}`);
  }
  if (!document || errors > 0) {
    console.log(`asyncapi: ${file} is NOT valid (${errors} error(s))`);
    process.exit(1);
  }
  const messages = document.allMessages().length;
  const channels = document.allChannels().length;
  console.log(`asyncapi: ${file} is valid AsyncAPI ${document.version()}: ${channels} channel(s), ${messages} message(s), ` +
    `${diagnostics.length} diagnostic(s) below error`);
}

main().catch(e => { console.error(`asyncapi: ${e.stack || e}`); process.exit(1); });
