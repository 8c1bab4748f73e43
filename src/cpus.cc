#include "cpus.h"

#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace refrain::internal {
namespace {

// The whole file, or "" if it cannot be read.
std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool ToDouble(std::string_view s, double* out) {
  return absl::SimpleAtod(absl::string_view(s.data(), s.size()), out);
}

// `dir` and its ancestors up to `top` (inclusive), innermost first.
std::vector<std::string> UpTo(std::string dir, const std::string& top) {
  std::vector<std::string> out;
  for (;;) {
    out.push_back(dir);
    if (dir.size() <= top.size()) break;
    const size_t slash = dir.rfind('/');
    if (slash == std::string::npos || slash < top.size()) {
      dir = top;
    } else {
      dir.resize(slash);
    }
  }
  return out;
}

// The smallest limit that cpus_in(d) gives (0: none there) over `dir` and
// its ancestors up to `top`; 0 if none. A parent's quota caps its children.
template <typename CpusIn>
double SmallestLimit(const std::string& top, const std::string& dir,
                     CpusIn cpus_in) {
  double limit = 0;
  for (const std::string& d : UpTo(dir, top)) {
    const double cpus = cpus_in(d);
    if (cpus > 0) limit = limit == 0 ? cpus : std::min(limit, cpus);
  }
  return limit;
}

// CPUs of `quota` over `period` (text, spaces allowed), 0 if either is not
// a positive number ("max", "-1": no quota).
double Ratio(std::string_view quota, std::string_view period) {
  double q = 0, p = 0;
  return ToDouble(quota, &q) && ToDouble(period, &p) && q > 0 && p > 0 ? q / p
                                                                       : 0;
}

// cgroup v2: cpu.max is "QUOTA PERIOD" or "max PERIOD".
double V2Cpus(const std::string& dir) {
  const std::vector<std::string> f = absl::StrSplit(
      Slurp(dir + "/cpu.max"), absl::ByAnyChar(" \n"), absl::SkipEmpty());
  return f.size() >= 2 ? Ratio(f[0], f[1]) : 0;
}

// cgroup v1: two files, the quota -1 when there is none.
double V1Cpus(const std::string& dir) {
  return Ratio(Slurp(dir + "/cpu.cfs_quota_us"),
               Slurp(dir + "/cpu.cfs_period_us"));
}

bool IsDir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

}  // namespace

double CgroupCpuLimit(const std::string& proc_self_cgroup,
                      const std::string& cgroup_root) {
  double limit = 0;
  auto take = [&](double cpus) {
    if (cpus > 0) limit = limit == 0 ? cpus : std::min(limit, cpus);
  };
  for (const std::string& line : std::vector<std::string>(
           absl::StrSplit(proc_self_cgroup, '\n', absl::SkipEmpty()))) {
    // hierarchy-ID:controller-list:path
    const std::vector<std::string> f =
        absl::StrSplit(line, absl::MaxSplits(':', 2));
    if (f.size() != 3 || f[2].empty() || f[2][0] != '/') continue;
    const std::string path = f[2] == "/" ? "" : f[2];
    if (f[0] == "0" && f[1].empty()) {
      // v2, mounted at the root (or at unified/ beside v1 hierarchies).
      for (const std::string& top : {cgroup_root, cgroup_root + "/unified"}) {
        take(SmallestLimit(top, top + path, V2Cpus));
      }
      continue;
    }
    const std::vector<std::string> controllers = absl::StrSplit(f[1], ',');
    if (std::find(controllers.begin(), controllers.end(), "cpu") ==
        controllers.end()) {
      continue;
    }
    for (const std::string& top :
         {cgroup_root + "/cpu,cpuacct", cgroup_root + "/cpu"}) {
      // A container sees its own cgroup at the mount: the path the host
      // gave it does not exist there.
      take(SmallestLimit(top, IsDir(top + path) ? top + path : top, V1Cpus));
    }
  }
  return limit;
}

int UsableCpus() {
  static const int cpus = [] {
    int n = 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
    if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
    n = std::max(n, 1);
    const double limit =
        CgroupCpuLimit(Slurp("/proc/self/cgroup"), "/sys/fs/cgroup");
    if (limit > 0) {
      n = std::min(n, std::max(1, static_cast<int>(std::ceil(limit))));
    }
    return n;
  }();
  return cpus;
}

int DefaultThreads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS");
      env != nullptr && *env != '\0') {
    return omp_get_max_threads();
  }
  return UsableCpus();
}

}  // namespace refrain::internal
