"""Run as root inside a notebook instance of an instance host: each attempt to reach beyond the instance.
Usage: escape_attempts.py BOB_ADDRESS SERVER_ADDRESS...: bob listens on 9998 besides Jupyter, the server
on 9999 at each of its addresses (verify/isolation.yml starts both).
Prints {"tried": [...], "succeeded": [...]} as JSON; the verify step asserts that none succeeded."""

import ctypes
import errno
import glob
import json
import os
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

TRIED, SUCCEEDED = [], []
BOB, SERVER = sys.argv[1], sys.argv[2:]
LIBC = ctypes.CDLL(None, use_errno=True)


def attempt(name, succeeded):
    TRIED.append(name)
    try:
        if succeeded():
            SUCCEEDED.append(name)
    except OSError:
        pass


def run(*argv):
    return subprocess.run(argv, capture_output=True, check=False).returncode == 0


def sees_bobs_process():
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as handle:
                if b"7777" in handle.read():
                    return True
        except OSError:
            continue
    return False


def finds_bobs_file():
    return any("bob-secret" in name for name in os.popen("find / -xdev -name 'bob-secret*' 2>/dev/null").read().split())


def root_is_the_servers_root():
    with open("/proc/self/uid_map", encoding="ascii") as table:
        inside, outside, count = table.readline().split()
    return outside == "0"


def makes_a_block_device():
    os.mknod("/root/sda", 0o600 | 0o060000, os.makedev(8, 0))
    return True


def opens_a_host_disk():
    for dev in ("/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/loop0", "/dev/mem", "/dev/kmsg"):
        try:
            os.close(os.open(dev, os.O_RDONLY))
            return True
        except OSError:
            continue
    return False


def mounts_a_disk():
    os.makedirs("/root/mnt", exist_ok=True)
    return any(run("mount", "-t", fs, dev, "/root/mnt") for fs in ("ext4", "xfs")
               for dev in ("/dev/sda", "/dev/vda", "/dev/loop0", "/dev/nvme0n1"))


def loads_a_kernel_module():
    # finit_module(-1, "", 0): EPERM without CAP_SYS_MODULE in the server's namespace, EBADF with it.
    if LIBC.syscall(313, -1, b"", 0) == 0:
        return True
    return ctypes.get_errno() != errno.EPERM


def raises_its_limit_through_a_v1_memory_mount():
    # The kernel lets root in a cgroup namespace of its own mount the v1 memory hierarchy: it shows the
    # instance's own cgroup, whose files stay the server's root's. Raising the limit there must fail.
    os.makedirs("/root/memcg", exist_ok=True)
    if not run("mount", "-t", "cgroup", "-o", "memory", "cgroup", "/root/memcg"):
        return False
    try:
        with open("/root/memcg/memory.limit_in_bytes", "w", encoding="ascii") as limit:
            limit.write("-1")
        return True
    except OSError:
        try:
            os.mkdir("/root/memcg/escape")
            return True
        except OSError:
            return False
    finally:
        run("umount", "/root/memcg")


def raises_its_memory_limit():
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, "w", encoding="ascii") as limit:
                limit.write("max" if path.endswith(".max") else "-1")
            return True
        except OSError:
            continue
    return False


def uses_a_gpu():
    # Alice has no GPU. A GPU node opened, or refused only for want of a driver (ENXIO: the device cgroup
    # let it through), is a GPU reached: the server's stand-in nodes, or one made with the driver's numbers.
    paths = glob.glob("/dev/nvidia*") + glob.glob("/dev/nvidia-caps/*")
    try:
        os.mknod("/root/nvidia0", 0o600 | 0o020000, os.makedev(195, 0))
        paths.append("/root/nvidia0")
    except OSError:
        pass
    for path in paths:
        try:
            os.close(os.open(path, os.O_RDWR))
            return True
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                return True
    return False


def connects(address, port):
    with socket.socket() as connection:
        connection.settimeout(3)
        return connection.connect_ex((address, port)) == 0


def reaches_the_servers_services():
    return any(connects(address, 9999) for address in SERVER)


def reaches_bob_beyond_jupyter():
    return connects(BOB, 9998)


def opens_bobs_jupyter_without_a_url():
    try:
        urllib.request.urlopen("https://%s:8443/api/contents" % BOB, timeout=5,
                               context=ssl._create_unverified_context())  # noqa: S323 (bob's certificate is its own)
        return True
    except urllib.error.HTTPError:
        return False


def reaches_a_metadata_service():
    # The server answers at 169.254.169.254:9999 (verify/isolation.yml), as a cloud's metadata service would.
    return connects("169.254.169.254", 9999)


def reaches_bob_or_the_server_over_ipv6():
    # IPv6 on again (the instance was made without it), then every neighbour that answers an echo to all
    # nodes on the link, at bob's and the server's ports.
    for name in glob.glob("/proc/sys/net/ipv6/conf/*/disable_ipv6"):
        try:
            with open(name, "w", encoding="ascii") as setting:
                setting.write("0")
        except OSError:
            pass
    scope = socket.if_nametoindex("eth0")
    found = set()
    with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6) as icmp:
        icmp.settimeout(2)
        icmp.sendto(bytes([128, 0, 0, 0, 0, 1, 0, 1]), ("ff02::1", 0, 0, scope))
        try:
            while True:
                found.add(icmp.recvfrom(1024)[1][0])
        except OSError:
            pass
    for address in found:
        for port in (9998, 9999, 8443, 22):
            with socket.socket(socket.AF_INET6) as connection:
                connection.settimeout(2)
                if connection.connect_ex((address.split("%")[0], port, 0, scope)) == 0:
                    return True
    return False


def takes_or_forges_another_address():
    # The server's firewall tells instances apart by address: a new address on its interface, or a raw IP or
    # link-layer socket to send packets from another's, would pass for that instance.
    try:
        if run("ip", "address", "add", "10.213.0.250/24", "dev", "eth0"):
            return True
    except OSError:
        pass
    for family, protocol in ((socket.AF_INET, socket.IPPROTO_RAW), (socket.AF_PACKET, 0)):
        try:
            socket.socket(family, socket.SOCK_RAW, protocol).close()
            return True
        except PermissionError:
            pass
    return False


def changes_the_servers_clock():
    return run("date", "-s", "2001-01-01")


def reboots_the_server():
    # reboot(2) with a bad magic number: EINVAL with CAP_SYS_BOOT in the server's namespace, EPERM without.
    if LIBC.syscall(169, 0, 0, 0, 0) == 0:
        return True
    return ctypes.get_errno() != errno.EPERM


for check in (sees_bobs_process, finds_bobs_file, root_is_the_servers_root, makes_a_block_device,
              opens_a_host_disk, mounts_a_disk, loads_a_kernel_module, raises_its_limit_through_a_v1_memory_mount,
              raises_its_memory_limit, uses_a_gpu, reaches_the_servers_services, reaches_bob_beyond_jupyter,
              opens_bobs_jupyter_without_a_url, reaches_a_metadata_service, reaches_bob_or_the_server_over_ipv6,
              takes_or_forges_another_address, changes_the_servers_clock, reboots_the_server):
    attempt(check.__name__, check)

print(json.dumps({"tried": TRIED, "succeeded": SUCCEEDED}))
