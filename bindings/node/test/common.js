'use strict';
// Test setup: the library from AIPOLICY_LIB (default: this tree's build) and
// the knowledge from AIPOLICY_DATA (default: this tree's data/).
const path = require('node:path');
const fs = require('node:fs');

const srcdir = path.resolve(__dirname, '..', '..', '..');
if (!process.env.AIPOLICY_DATA) {
  process.env.AIPOLICY_DATA = path.join(srcdir, 'data');
}
if (!process.env.AIPOLICY_LIB) {
  const built = path.join(srcdir, 'lib', '.libs', 'libaipolicy.so');
  if (fs.existsSync(built)) process.env.AIPOLICY_LIB = built;
}

const aipolicy = require('..');
const profilesDir = path.join(srcdir, 'examples', 'profiles');
const profiles = fs.readdirSync(profilesDir)
  .filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => path.join(profilesDir, f));

module.exports = {
  aipolicy,
  srcdir,
  data: process.env.AIPOLICY_DATA,
  profiles,
  cv: path.join(profilesDir, 'cv-screening.yaml'),
  DATE: '2027-12-02',
};
