// The CSV files of WriteReports, handed to a sink in pieces: rendered in
// parallel blocks, a wave at a time (chunks.h), so writing millions of rows
// (documents of a large dump, matches of syndicated copies) is neither
// serial nor held whole in memory.
#ifndef REFRAIN_SRC_REPORT_CSV_H_
#define REFRAIN_SRC_REPORT_CSV_H_

#include "chunks.h"
#include "refrain/report.h"

namespace refrain::internal {

// The bytes of WriteDocumentsCsv, WritePairsCsv and WriteClaimsCsv, in
// order.
void DocumentsCsvChunks(const Report& report, const ChunkSink& emit);
void PairsCsvChunks(const Report& report, const ChunkSink& emit);
void ClaimsCsvChunks(const Report& report, const ChunkSink& emit);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_REPORT_CSV_H_
