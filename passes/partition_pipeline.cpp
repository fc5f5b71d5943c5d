//===- passes/partition_pipeline.cpp - the partitioning passes -------------===//
#include "passes/annotate_cost.h"
#include "passes/fuse_elementwise.h"
#include "passes/insert_conversions.h"
#include "passes/merge_regions.h"
#include "passes/partition.h"
#include "passes/pass_manager.h"

namespace duet {

void addPartitionPasses(PassManager &pm, const PartitionOptions &opts) {
  pm.add<AnnotateCostPass>(opts);
  pm.add<PartitionPass>(opts);
  pm.add<MergeRegionsPass>(opts);
  pm.add<InsertConversionsPass>();
  pm.add<FuseElementwisePass>(opts.fuseElementwise);
}

} // namespace duet
