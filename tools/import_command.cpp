//===- tools/import_command.cpp - `duet import MODEL.pt` ------------------===//
#include "frontend/import/import.h"
#include "ir/error.h"
#include "tools/commands.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace duet::cli {

namespace {

struct ImportCommandOptions {
  std::string file, out, name;
  std::vector<std::string> shapes;
  bool noFold = false;
};

/// "1x3x224x224" -> {1,3,224,224}.
Shape parseShape(const std::string &text) {
  Shape s;
  size_t at = 0;
  while (at <= text.size()) {
    size_t x = text.find('x', at);
    std::string dim = text.substr(at, x == std::string::npos ? std::string::npos : x - at);
    size_t used = 0;
    int64_t d = -1;
    try {
      d = std::stoll(dim, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (dim.empty() || used != dim.size() || d < 0)
      throw Error("--shape " + text + ": expected sizes joined by 'x', e.g. 1x3x224x224");
    s.push_back(d);
    if (x == std::string::npos)
      break;
    at = x + 1;
  }
  return s;
}

void runImport(const ImportCommandOptions &o) {
  import::ImportOptions opts;
  for (const std::string &s : o.shapes)
    opts.inputShapes.push_back(parseShape(s));
  opts.foldConstants = !o.noFold;
  opts.graphName = o.name;
  std::string out =
      o.out.empty() ? std::filesystem::path(o.file).replace_extension(".duet").string() : o.out;
  import::ImportedModel model = import::importTorchScript(o.file, opts);
  import::writeImportedModel(model, out);
  int64_t values = 0;
  for (const auto &[name, buf] : model.params)
    values += buf.numel();
  std::cout << fmt::format("imported {}: {} nodes, {} params ({} values)\n  wrote {} and {}\n",
                           o.file, model.graph->size(), model.params.size(), values, out,
                           import::paramsPathFor(out));
}

} // namespace

void addImportCommand(CLI::App &app) {
  auto o = std::make_shared<ImportCommandOptions>();
  CLI::App *cmd = app.add_subcommand(
      "import", "Convert a TorchScript model (.pt) to a graph file plus its weights "
                "(needs a build with LibTorch).");
  cmd->add_option("file", o->file, "TorchScript file (torch.jit.trace/script, then .save)")
      ->required();
  cmd->add_option("-o,--output", o->out,
                  "Graph file to write (default: FILE with .duet); the weights go beside it "
                  "as .safetensors, where `duet run` finds them")
      ->type_name("MODEL.duet");
  cmd->add_option("--shape", o->shapes,
                  "Static shape of forward's next tensor argument (f32), e.g. 1x3x224x224; "
                  "one per argument, in order")
      ->type_name("DxDx...")
      ->expected(1)
      ->take_all();
  cmd->add_flag("--no-fold", o->noFold,
                "Keep batch_norm as an op instead of letting torch's freezing fold it into "
                "the preceding conv");
  cmd->add_option("--name", o->name, "Graph name (default: the file's stem)");
  cmd->footer("Example:\n  duet import resnet18.pt --shape 1x3x224x224 -o resnet18.duet\n"
              "  duet run resnet18.duet --input x=image.npy -o out/\n"
              "Supported aten ops: docs/import.md.");
  cmd->callback([o] { runImport(*o); });
}

} // namespace duet::cli
