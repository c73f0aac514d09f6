"""Read pip-audit's JSON report (argv[1]): list vulnerable packages and exit 1 if any.

When the advisory service could not be reached, pip-audit skips every package: say so loudly,
never as a pass. It still exits 0, in CI too: no maintained offline vulnerability database is
published on PyPI (safety-db stopped in 2021), and CI must not go red because a machine has no
route out. The warning is there for a person to read.
"""
import json
import sys

data = json.load(open(sys.argv[1]))
deps = data.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if d.get("skip_reason")]
audited = len(deps) - len(skipped)
for d in vulnerable:
    print(f"VULNERABLE {d['name']} {d.get('version')}: {', '.join(v['id'] for v in d['vulns'])}")
print(f"pip-audit: {audited} packages audited, {len(vulnerable)} vulnerable, "
      f"{len(skipped)} not audited (advisory service unreachable or package not on PyPI)")
if audited == 0:
    banner = "!" * 78
    print(f"{banner}\nWARNING: NOTHING WAS AUDITED. pip-audit could not reach the advisory service, so no\n"
          f"package was checked for known vulnerabilities. This is NOT a pass: run scripts/audit\n"
          f"where the network reaches the advisory service.\n{banner}", file=sys.stderr)
    print("pip-audit: NOTHING WAS AUDITED (see the warning above)")
sys.exit(1 if vulnerable else 0)
