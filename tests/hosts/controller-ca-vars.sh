#!/usr/bin/env bash
# Print, as YAML variables for the ca_trust role, the controller's extra CA certificates (a
# TLS-inspecting proxy's, say), so that a test host trusts what the controller trusts.
# Used by the demo and the benchmarks (Molecule's prepare has molecule/_shared/controller_ca_certificates.j2).
set -euo pipefail
found=""
for crt in /usr/local/share/ca-certificates/*.crt; do
  [ -e "$crt" ] || continue
  [ -n "$found" ] || echo "ca_trust_certificates:"
  found=1
  echo "  - {name: controller-$(basename "$crt" .crt), src: $crt}"
done
[ -n "$found" ] || echo "ca_trust_certificates: []"
