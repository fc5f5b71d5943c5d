//===- ir/parser.cpp - reading the text form --------------------------------===//
//
// Recursive descent over the tokens of ir/text_lexer.h, for the grammar
//
//   graph   := 'graph' [name] '(' decls ')' ['params' '(' decls ')'] '{' node* ret '}'
//   decls   := [%v ':' type (',' %v ':' type)*]
//   node    := %v '=' op '(' [%v (',' %v)*] ')' ['{' attr (',' attr)* '}'] ':' type [annot]
//   annot   := '@' ('pure' | 'torch') [':' region]
//   ret     := 'return' [%v (',' %v)*]
//   type    := dtype '[' [int (',' int)*] ']'
//
// Each node is checked as soon as it is read, so errors point at the op.
//
#include "ir/parser.h"

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/shape_rules.h"
#include "ir/text_lexer.h"
#include "ir/verifier.h"

#include <fmt/format.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace duet {
namespace {

constexpr size_t kMaxListLength = size_t(1) << 20;
constexpr size_t kMaxRank = 64;

class Parser {
public:
  Parser(std::string_view text, const std::string &file) : lex_(text, file) { advance(); }

  std::unique_ptr<Graph> parse() {
    if (!isWord("graph"))
      error(tok_, "expected 'graph' at the start of the input, found " + found());
    advance();
    std::string name;
    if (tok_.kind == Tok::Ident) {
      name = tok_.text;
      advance();
    }
    g_ = std::make_unique<Graph>(name);
    expect(Tok::LParen, "'(' after the graph name");
    parseDecls(OpKind::Input);
    expect(Tok::RParen, "')' after graph inputs");
    if (isWord("params")) {
      advance();
      expect(Tok::LParen, "'(' after 'params'");
      parseDecls(OpKind::Param);
      expect(Tok::RParen, "')' after params");
    }
    expect(Tok::LBrace, "'{' before the graph body");
    while (!isWord("return")) {
      if (tok_.kind != Tok::Value)
        error(tok_, "expected a value definition or 'return', found " + found());
      parseNode();
    }
    advance();
    std::vector<Node *> outputs;
    if (tok_.kind == Tok::Value) {
      outputs.push_back(use());
      while (accept(Tok::Comma))
        outputs.push_back(use(true));
    }
    g_->setOutputs(std::move(outputs));
    expect(Tok::RBrace, "'}' after return values");
    if (tok_.kind != Tok::Eof)
      error(tok_, "unexpected " + found() + " after the end of the graph");
    if (auto problems = verifyGraph(*g_); !problems.empty())
      throw ParseError(lex_.file(), 1, 1, "invalid graph: " + problems.front());
    return std::move(g_);
  }

private:
  [[noreturn]] void error(const Token &at, const std::string &msg) const {
    throw ParseError(lex_.file(), at.line, at.col, msg);
  }
  std::string found() const { return Lexer::describe(tok_); }
  void advance() { tok_ = lex_.next(); }
  bool isWord(std::string_view w) const { return tok_.kind == Tok::Ident && tok_.text == w; }
  bool accept(Tok k) {
    if (tok_.kind != k)
      return false;
    advance();
    return true;
  }
  Token expect(Tok k, std::string_view what) {
    if (tok_.kind != k)
      error(tok_, fmt::format("expected {}, found {}", what, found()));
    Token t = std::move(tok_);
    advance();
    return t;
  }

  // Records a definition; numeric names (%0) are anonymous in the graph.
  void define(const Token &name, Node *n) {
    values_[name.text] = n;
    if (name.text.find_first_not_of("0123456789") != std::string::npos)
      n->setName(name.text);
  }
  void checkFresh(const Token &name) const {
    if (values_.count(name.text))
      error(name, "redefinition of value %" + name.text);
  }
  Node *use(bool afterComma = false) {
    Token t = expect(Tok::Value, afterComma ? "a value after ','" : "a value");
    auto it = values_.find(t.text);
    if (it == values_.end())
      error(t, "use of undefined value %" + t.text);
    return it->second;
  }

  void parseDecls(OpKind kind) {
    if (tok_.kind != Tok::Value)
      return;
    do {
      Token name = expect(Tok::Value, "a value name like %x");
      checkFresh(name);
      expect(Tok::Colon, "':' after value name");
      TensorType type = parseType();
      Node *n = kind == OpKind::Input ? g_->addInput("", type) : g_->addParam("", type);
      define(name, n);
    } while (accept(Tok::Comma));
  }

  TensorType parseType() {
    Token dt = expect(Tok::Ident, "a type like f32[2,3]");
    auto dtype = parseDType(dt.text);
    if (!dtype)
      error(dt, fmt::format("unknown dtype '{}' (expected f32, f64, i64 or bool)", dt.text));
    expect(Tok::LBracket, "'[' after the dtype");
    TensorType type{*dtype, {}};
    if (tok_.kind != Tok::RBracket) {
      do {
        Token d = expect(Tok::Int, "a dimension");
        if (d.intValue < 0)
          error(d, fmt::format("negative dimension {}", d.intValue));
        if (type.shape.size() == kMaxRank)
          error(d, fmt::format("too many dimensions (at most {})", kMaxRank));
        type.shape.push_back(d.intValue);
      } while (accept(Tok::Comma));
    }
    expect(Tok::RBracket, "']' after the dimensions");
    try {
      type.nbytes(); // rejects shapes whose size does not fit in 64 bits
    } catch (const Error &e) {
      error(dt, e.what());
    }
    return type;
  }

  AttrValue parseAttrValue() {
    Token t = std::move(tok_);
    advance();
    switch (t.kind) {
    case Tok::Int: return t.intValue;
    case Tok::Float: return t.floatValue;
    case Tok::String: return t.text;
    case Tok::Ident:
      if (t.text == "true" || t.text == "false")
        return t.text == "true";
      if (t.text == "inf" || t.text == "nan")
        return t.text == "inf" ? double(INFINITY) : double(NAN);
      break;
    case Tok::LBracket: return parseList();
    default: break;
    }
    error(t, "expected an attribute value, found " + Lexer::describe(t));
  }

  // After '[': a list of numbers; any float makes it a float list.
  AttrValue parseList() {
    std::vector<int64_t> ints;
    std::vector<double> floats;
    bool isFloat = false;
    if (!accept(Tok::RBracket)) {
      do {
        if (ints.size() + floats.size() == kMaxListLength)
          error(tok_, fmt::format("attribute list is longer than {} elements", kMaxListLength));
        if (tok_.kind == Tok::Int) {
          ints.push_back(tok_.intValue);
          floats.push_back(static_cast<double>(tok_.intValue));
        } else if (tok_.kind == Tok::Float || isWord("inf") || isWord("nan")) {
          isFloat = true;
          floats.push_back(tok_.kind == Tok::Float ? tok_.floatValue
                           : isWord("inf")         ? INFINITY
                                                   : NAN);
        } else {
          error(tok_, tok_.kind == Tok::LBracket
                          ? std::string("nested lists are not supported")
                          : "expected a number in the list, found " + found());
        }
        advance();
      } while (accept(Tok::Comma));
      expect(Tok::RBracket, "']' after the list");
    }
    if (isFloat)
      return floats;
    return ints;
  }

  void parseNode() {
    Token name = std::move(tok_);
    advance();
    checkFresh(name);
    expect(Tok::Equal, "'=' after value name");
    Token opTok = expect(Tok::Ident, "an op name after '='");
    auto op = opFromName(opTok.text);
    if (!op)
      error(opTok, fmt::format("unknown op '{}'", opTok.text));
    if (*op == OpKind::Input || *op == OpKind::Param)
      error(opTok,
            fmt::format("'{}' values are declared in the graph header, not the body", opTok.text));
    expect(Tok::LParen, "'(' after the op name");
    std::vector<Node *> operands;
    if (tok_.kind == Tok::Value) {
      operands.push_back(use());
      while (accept(Tok::Comma))
        operands.push_back(use(true));
    }
    expect(Tok::RParen, "')' after operands");
    Attributes attrs;
    if (accept(Tok::LBrace) && !accept(Tok::RBrace)) {
      do {
        Token key = expect(Tok::Ident, "an attribute name");
        if (attrs.has(key.text))
          error(key, fmt::format("duplicate attribute '{}'", key.text));
        expect(Tok::Equal, "'=' after the attribute name");
        attrs.set(key.text, parseAttrValue());
      } while (accept(Tok::Comma));
      expect(Tok::RBrace, "'}' after attributes");
    }
    expect(Tok::Colon, "':' before the result type");
    Token typeTok = tok_;
    TensorType type = parseType();

    Backend backend = Backend::Unassigned;
    int region = -1;
    if (accept(Tok::At)) {
      Token b = expect(Tok::Ident, "a backend name after '@'");
      if (b.text != "pure" && b.text != "torch")
        error(b, fmt::format("unknown backend '{}' (expected pure or torch)", b.text));
      backend = b.text == "pure" ? Backend::Pure : Backend::Torch;
      if (accept(Tok::Colon)) {
        Token r = expect(Tok::Int, "a region number after ':'");
        if (r.intValue < 0 || r.intValue > INT_MAX)
          error(r, fmt::format("region {} is out of range", r.intValue));
        if (backend != Backend::Torch)
          error(r, "only torch nodes belong to regions");
        region = static_cast<int>(r.intValue);
      }
    }

    std::vector<TensorType> types;
    for (Node *n : operands)
      types.push_back(n->type());
    try {
      if (opInfo(*op).category == OpCategory::Source) {
        if (!operands.empty())
          error(opTok, fmt::format("'{}' takes no operands", opTok.text));
        rules::checkSource(*op, type, attrs);
      } else {
        TensorType inferred = checkAndInferType(*op, types, attrs);
        if (inferred != type)
          error(typeTok, fmt::format("declared type {} does not match inferred {} for {}",
                                     type.str(), inferred.str(), opTok.text));
      }
    } catch (const ParseError &) {
      throw;
    } catch (const Error &e) {
      error(opTok, e.what());
    }
    Node *n = g_->addNode(*op, std::move(operands), std::move(attrs), type);
    n->setBackend(backend);
    n->setRegion(region);
    define(name, n);
  }

  Lexer lex_;
  Token tok_;
  std::unique_ptr<Graph> g_;
  std::unordered_map<std::string, Node *> values_;
};

} // namespace

namespace {

[[noreturn]] void tooLarge(const std::string &file, uintmax_t bytes) {
  throw ParseError(file, 1, 1,
                   fmt::format("graph text is {} bytes, more than the limit of {} bytes", bytes,
                               kMaxGraphTextBytes));
}

} // namespace

std::unique_ptr<Graph> parseGraph(std::string_view text, const std::string &file) {
  if (text.size() > kMaxGraphTextBytes)
    tooLarge(file, text.size());
  return Parser(text, file).parse();
}

std::unique_ptr<Graph> parseGraphFile(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error("cannot open graph file '" + path + "': it is a directory");
  // Checked before reading, so a huge file is never loaded into memory.
  if (uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > kMaxGraphTextBytes)
    tooLarge(path, size);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error("cannot open graph file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parseGraph(text.str(), path);
}

} // namespace duet
