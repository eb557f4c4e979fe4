#pragma once
// Graph algorithms over a workflow's links, through Boost.Graph.
#include <string>
#include <vector>

#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

// Node ids in an order where every node comes after the nodes it links to.
// Throws Error when the workflow has a cycle (use find_cycle to name it).
std::vector<std::string> topological_order(const Workflow& wf);
// Node ids on one cycle, in link order; empty when there is none.
std::vector<std::string> find_cycle(const Workflow& wf);
// Ids of nodes that feed no output node (they can be pruned).
std::vector<std::string> unused_nodes(const Workflow& wf, const SchemaLookup& schemas);

}  // namespace vkflow::graph
