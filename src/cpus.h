// How many CPUs this process can use (internal): the scan's default thread
// count. Containers (Docker --cpus, Kubernetes CPU limits) limit a process
// by a CPU-time quota of its cgroup, not by the CPUs it may run on, so the
// OpenMP default (every CPU of the affinity mask) starts, say, 64 threads
// under a 2-CPU limit: each parallel loop's threads then wait at barriers
// for siblings the quota has stopped. Under a 1-CPU quota on the 2-core CI
// machine, a scan with claims of gen-10000 took 2.47 s on 2 threads and
// 2.19-2.23 s on 1; on 16, 2.85 s.
#ifndef REFRAIN_SRC_CPUS_H_
#define REFRAIN_SRC_CPUS_H_

#include <string>

namespace refrain::internal {

// The CPU limit, in CPUs, that the cgroup quotas of this process set, 0 if
// none: `proc_self_cgroup` is the text of /proc/self/cgroup and
// `cgroup_root` where the hierarchies are mounted (/sys/fs/cgroup). cgroup
// v2: cpu.max ("QUOTA PERIOD" or "max PERIOD") of the process's cgroup and
// of each ancestor, the smallest; v1: cpu.cfs_quota_us / cpu.cfs_period_us
// of the cpu controller's cgroup and its ancestors, under cpu,cpuacct/ or
// cpu/ (or at the mount itself, where a container sees only its own).
double CgroupCpuLimit(const std::string& proc_self_cgroup,
                      const std::string& cgroup_root);

// The CPUs of this process's affinity mask, at most its cgroup limit
// rounded up, at least 1. Read once per process.
int UsableCpus();

// The thread count a scan uses when not told (--threads 0): OpenMP's own
// choice when OMP_NUM_THREADS is set, else UsableCpus().
int DefaultThreads();

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_CPUS_H_
