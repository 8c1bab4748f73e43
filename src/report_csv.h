// The CSV files of WriteReports as chunks to write one after the other:
// rendered in parallel blocks, so writing millions of rows (documents of a
// large dump, matches of syndicated copies) is neither serial nor copied
// through a stream.
#ifndef REFRAIN_SRC_REPORT_CSV_H_
#define REFRAIN_SRC_REPORT_CSV_H_

#include <string>
#include <vector>

#include "refrain/report.h"

namespace refrain::internal {

// The bytes of WriteDocumentsCsv, WritePairsCsv and WriteClaimsCsv.
std::vector<std::string> DocumentsCsvChunks(const Report& report);
std::vector<std::string> PairsCsvChunks(const Report& report);
std::vector<std::string> ClaimsCsvChunks(const Report& report);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_REPORT_CSV_H_
