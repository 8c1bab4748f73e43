// The scan's default thread count (cpus.h): the cgroup CPU quota read from
// fake cgroup trees of both versions, as hosts and containers lay them out.
#include "cpus.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "refrain/scan.h"
#include "test_util.h"

namespace refrain::internal {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Writes `text` to root/rel, creating the directories.
void Put(const std::string& root, const std::string& rel,
         const std::string& text) {
  const std::filesystem::path p = std::filesystem::path(root) / rel;
  std::filesystem::create_directories(p.parent_path());
  WriteFile(p.string(), text);
}

TEST(Cpus, CgroupV2QuotaOfTheCgroupAndItsAncestors) {
  TempDir d;
  const std::string root = d.path();
  Put(root, "kubepods/pod1/app/cpu.max", "150000 100000\n");
  Put(root, "kubepods/pod1/cpu.max", "max 100000\n");
  Put(root, "kubepods/cpu.max", "max 100000\n");
  EXPECT_DOUBLE_EQ(CgroupCpuLimit("0::/kubepods/pod1/app\n", root), 1.5);
  // A smaller limit on an ancestor (the pod) wins.
  Put(root, "kubepods/pod1/cpu.max", "50000 100000\n");
  EXPECT_DOUBLE_EQ(CgroupCpuLimit("0::/kubepods/pod1/app\n", root), 0.5);
  // No limit anywhere.
  Put(root, "kubepods/pod1/cpu.max", "max 100000\n");
  Put(root, "kubepods/pod1/app/cpu.max", "max 100000\n");
  EXPECT_EQ(CgroupCpuLimit("0::/kubepods/pod1/app\n", root), 0);
  // A container (cgroup namespace): its own cgroup at the root.
  TempDir c;
  Put(c.path(), "cpu.max", "200000 100000\n");
  EXPECT_DOUBLE_EQ(CgroupCpuLimit("0::/\n", c.path()), 2);
}

TEST(Cpus, CgroupV1CfsQuota) {
  TempDir d;
  const std::string root = d.path();
  Put(root, "cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "300000\n");
  Put(root, "cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
  Put(root, "cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  Put(root, "cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  const std::string cgroup =
      "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n";
  EXPECT_DOUBLE_EQ(CgroupCpuLimit(cgroup, root), 3);
  // Inside the container the host's path does not exist: the mount itself
  // is the container's cgroup.
  TempDir c;
  Put(c.path(), "cpu,cpuacct/cpu.cfs_quota_us", "250000\n");
  Put(c.path(), "cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  EXPECT_DOUBLE_EQ(CgroupCpuLimit(cgroup, c.path()), 2.5);
  // "cpu" mounted on its own, no quota (-1).
  TempDir e;
  Put(e.path(), "cpu/cpu.cfs_quota_us", "-1\n");
  Put(e.path(), "cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(CgroupCpuLimit("1:cpu:/\n", e.path()), 0);
  // A controller list without cpu is not read.
  EXPECT_EQ(CgroupCpuLimit("4:cpuacct:/docker/abc\n", root), 0);
}

TEST(Cpus, NoCgroupFilesMeanNoLimit) {
  TempDir d;
  EXPECT_EQ(CgroupCpuLimit("", d.path()), 0);
  EXPECT_EQ(CgroupCpuLimit("0::/a/b\n1:cpu:/a\n", d.path()), 0);
  EXPECT_EQ(CgroupCpuLimit("garbage\n::\n0::relative\n", d.path()), 0);
  Put(d.path(), "cpu.max", "nonsense\n");
  EXPECT_EQ(CgroupCpuLimit("0::/\n", d.path()), 0);
}

TEST(Cpus, UsableCpusIsPositiveAndDefaultThreadsFollowsIt) {
  EXPECT_GE(UsableCpus(), 1);
  EXPECT_EQ(UsableCpus(), UsableCpus());  // Read once.
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {
    EXPECT_EQ(DefaultThreadCount(), UsableCpus());
  }
}

}  // namespace
}  // namespace refrain::internal
