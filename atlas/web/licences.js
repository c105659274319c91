// Collect the licences of every bundled package into dist/THIRD_PARTY_LICENSES.txt (shipped beside atlas.js).
const fs = require("fs");
const path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const parts = [];
for (const [where, info] of Object.entries(lock.packages)) {
  if (!where || info.dev) continue;
  const dir = path.join(__dirname, where);
  const file = fs.readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
  const text = file ? fs.readFileSync(path.join(dir, file), "utf8") : `License: ${info.license}`;
  parts.push(`${where.replace(/^node_modules\//, "")} ${info.version} (${info.license})\n\n${text.trim()}\n`);
}
fs.writeFileSync("dist/THIRD_PARTY_LICENSES.txt", parts.join("\n" + "-".repeat(78) + "\n\n"));
