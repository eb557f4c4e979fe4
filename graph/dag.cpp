#include "graph/dag.hpp"

#include <algorithm>
#include <map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/topological_sort.hpp>

#include "runtime/core/error.hpp"

namespace vkflow::graph {

namespace {

using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
using Vertex = boost::graph_traits<G>::vertex_descriptor;

// Vertices in node-id order; one edge producer -> consumer per link to an existing node.
struct LinkGraph {
  G g;
  std::vector<std::string> ids;
  explicit LinkGraph(const Workflow& wf) : g(wf.nodes.size()) {
    std::map<std::string, Vertex> index;
    for (const auto& [id, n] : wf.nodes) {
      index[id] = ids.size();
      ids.push_back(id);
    }
    for (const auto& [id, n] : wf.nodes)
      for (const auto& [name, v] : n.inputs)
        if (auto* l = std::get_if<Link>(&v); l && index.count(l->node))
          boost::add_edge(index.at(l->node), index.at(id), g);
  }
};

// Records the first back edge met by a depth-first search; the tree edges give the path.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::vector<Vertex>* cycle;
  void tree_edge(boost::graph_traits<G>::edge_descriptor e, const G& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<G>::edge_descriptor e, const G& g) const {
    if (!cycle->empty()) return;
    Vertex from = boost::source(e, g), to = boost::target(e, g);
    for (Vertex v = from; v != to; v = (*parent)[v]) cycle->push_back(v);
    cycle->push_back(to);
    std::reverse(cycle->begin(), cycle->end());  // to -> ... -> from (-> to)
  }
};

}  // namespace

std::vector<std::string> topological_order(const Workflow& wf) {
  LinkGraph lg(wf);
  std::vector<Vertex> rev;
  try {
    boost::topological_sort(lg.g, std::back_inserter(rev));
  } catch (const boost::not_a_dag&) {
    std::string path;
    for (const auto& id : find_cycle(wf)) path += id + " -> ";
    throw Error("the workflow's links form a cycle: " + path + "...");
  }
  std::vector<std::string> out;
  for (auto it = rev.rbegin(); it != rev.rend(); ++it) out.push_back(lg.ids[*it]);
  return out;
}

std::vector<std::string> find_cycle(const Workflow& wf) {
  LinkGraph lg(wf);
  size_t n = lg.ids.size();
  std::vector<Vertex> parent(n), cycle;
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  std::vector<boost::default_color_type> color(n);
  CycleFinder vis;
  vis.parent = &parent;
  vis.cycle = &cycle;
  boost::depth_first_search(lg.g, boost::visitor(vis).color_map(
      boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, lg.g))));
  std::vector<std::string> out;
  for (Vertex v : cycle) out.push_back(lg.ids[v]);
  return out;
}

std::vector<std::string> unused_nodes(const Workflow& wf, const SchemaLookup& schemas) {
  LinkGraph lg(wf);
  size_t n = lg.ids.size();
  // Walk the links backwards from every output node; whatever is not reached feeds none.
  auto rg = boost::make_reverse_graph(lg.g);
  std::vector<boost::default_color_type> color(n, boost::white_color);
  auto cmap = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, rg));
  std::vector<Vertex> sources;
  for (size_t i = 0; i < n; ++i) {
    const NodeSchema* s = schemas(wf.nodes.at(lg.ids[i]).type);
    if (s && s->output_node) sources.push_back(i);
  }
  if (!sources.empty()) {
    boost::queue<Vertex> q;
    boost::breadth_first_search(rg, sources.begin(), sources.end(), q,
                                boost::default_bfs_visitor(), cmap);
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i)
    if (color[i] == boost::white_color) out.push_back(lg.ids[i]);
  return out;
}

}  // namespace vkflow::graph
