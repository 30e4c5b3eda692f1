// node_classify.mjs - classify profiles with the Node.js bindings.
//
//   cd bindings/node && npm ci && cd ../..
//   AIPOLICY_LIB=lib/.libs/libaipolicy.so AIPOLICY_DATA=data \
//     node examples/node_classify.mjs [--date D] [--lang en|fr] [--json|--compact] PROFILE...
//
// Without --json it prints a summary per regulation. With --json the output
// is byte for byte that of `aipolicy classify --json` (bindings/test-identity.sh).
import { parseArgs } from 'node:util';
// Once the package is installed: import { KnowledgeBase } from 'aipolicy';
import { KnowledgeBase, AipolicyError } from '../bindings/node/index.js';

const { values: opts, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    date: { type: 'string' },
    lang: { type: 'string', default: 'en' },
    json: { type: 'boolean', default: false },
    compact: { type: 'boolean', default: false },
  },
});

const kb = KnowledgeBase.load(); // $AIPOLICY_DATA, else the installed knowledge
let status = 0;
try {
  for (const file of files) {
    let result;
    try {
      result = kb.classifyFile(file, { date: opts.date, lang: opts.lang,
                                       pretty: !opts.compact });
    } catch (e) {
      if (!(e instanceof AipolicyError)) throw e;
      console.error(e.message); // file:line:column: path: message
      status = 1;
      continue;
    }
    if (opts.json || opts.compact) {
      process.stdout.write(result.json);
      continue;
    }
    console.log(`${file} (as of ${result.provenance.as_of})`);
    for (const reg of result.regulations) {
      const tier = reg.dimensions.find((d) => d.id === 'tier');
      const fine = reg.penalty
        ? `, fines up to ${reg.penalty.ceiling} ${reg.penalty.currency}` : '';
      console.log(`  ${reg.id.padEnd(10)} ${reg.applicability.status}, ` +
                  `tier ${tier ? tier.label : '-'}, ` +
                  `${reg.obligations.length} obligations${fine}`);
    }
    const next = result.missing_facts[0];
    if (next) console.log(`  next question: ${next.question}`);
  }
} finally {
  kb.close();
}
process.exitCode = status;
