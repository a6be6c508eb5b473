#!/usr/bin/env bash
# The baseline for bench/instance.sh: a plain shell script that makes what
# playbooks/create_notebook_instance.yml makes with no kernels and no sample notebooks, the
# way an administrator would by hand: the same packages and versions, a 5 GB loop volume mounted
# as the notebook directory, tmpfs /tmp, the notebook user with sudo, an nftables rule set,
# Jupyter in its own venv with a self-signed certificate as a systemd service on HTTPS 8443.
# No checks, no idempotence, no record, no presigned URLs: what the collection adds is what the
# ratio pays for. Runs as root on a fresh Debian test host.
#   install_by_hand.sh PACKAGE==VERSION ...   (Jupyter's packages, as pinned by the jupyter role)
# The environment gives what the create is given (bench/instance.sh): BYHAND_TOOLS, the SageMaker
# tools (notebook_instance_tools); BYHAND_ENV_DIR, Jupyter's environment (notebook_instance_jupyter_env_dir: the VM
# tier's image holds one built from the same pins, which pip then finds met); BYHAND_VOLUME_DEVICE,
# a block device for the volume instead of a loop file (storage_volume_device).
set -euo pipefail

user=ec2-user
notebook_dir=/home/$user/SageMaker
env_dir=${BYHAND_ENV_DIR:-/home/$user/anaconda3/envs/JupyterSystemEnv}
tls=/etc/jupyter-by-hand
volume=${BYHAND_VOLUME_DEVICE:-/var/lib/ml-volume/volume.img}
read -r -a tools <<<"${BYHAND_TOOLS-}"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-venv python3-packaging python3-cryptography \
  ca-certificates curl nftables iproute2 sudo e2fsprogs "${tools[@]}" >/dev/null

id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
echo "$user ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/90-$user
chmod 0440 /etc/sudoers.d/90-$user

mkdir -p "$(dirname "$volume")" "$notebook_dir"
[ -b "$volume" ] || truncate -s 5G "$volume"
mkfs.ext4 -q -F "$volume"
echo "$volume $notebook_dir ext4 $([ -b "$volume" ] || echo loop,)nofail 0 0" >>/etc/fstab
echo "tmpfs /tmp tmpfs mode=1777,nosuid,nodev,size=50% 0 0" >>/etc/fstab
mount "$notebook_dir"
mount /tmp
chown "$user:$user" "$notebook_dir"

cat >/etc/nftables.conf <<'NFT'
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iifname lo accept
    tcp dport { 22, 8443 } accept
    icmp type echo-request accept
    icmpv6 type { echo-request, nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept
  }
}
NFT
systemctl enable --now nftables >/dev/null 2>&1

if [ -x "$env_dir/bin/pip" ]; then
  "$env_dir/bin/pip" install --quiet "$@"
else
  sudo -u "$user" python3 -m venv "$env_dir"
  sudo -u "$user" "$env_dir/bin/pip" install --quiet "$@"
fi

mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
  -subj "/CN=$(hostname)" -addext "subjectAltName=DNS:$(hostname),DNS:localhost,IP:127.0.0.1" \
  -keyout "$tls/jupyter.key" -out "$tls/jupyter.crt" 2>/dev/null
chown "$user" "$tls/jupyter.key"
chmod 0600 "$tls/jupyter.key"

cat >/etc/systemd/system/jupyter-server.service <<UNIT
[Unit]
Description=Jupyter Server
After=network-online.target
RequiresMountsFor=$notebook_dir

[Service]
User=$user
WorkingDirectory=$notebook_dir
ExecStart=$env_dir/bin/jupyter lab --no-browser --ip=0.0.0.0 --port=8443 \
  --ServerApp.certfile=$tls/jupyter.crt --ServerApp.keyfile=$tls/jupyter.key \
  --ServerApp.root_dir=$notebook_dir
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now jupyter-server >/dev/null 2>&1
until curl --silent --insecure --output /dev/null https://localhost:8443/api/status; do sleep 0.5; done
echo "Jupyter answers on https://localhost:8443"
