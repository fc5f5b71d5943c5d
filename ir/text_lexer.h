//===- ir/text_lexer.h - tokens of the graph text form (internal) -*- C++ -*-===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace duet {

enum class Tok : uint8_t {
  Eof,
  Ident,
  Value,
  Int,
  Float,
  String,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Equal,
  At
};

struct Token {
  Tok kind = Tok::Eof;
  /// Ident: the word; Value: the name after '%'; String: the unescaped text.
  std::string text;
  /// The source spelling (shortened), for "found '...'" in messages.
  std::string spelling;
  int line = 1, col = 1;
  int64_t intValue = 0;
  double floatValue = 0;
};

/// Splits the text form into tokens. Whitespace and `// ...` comments are
/// skipped. Malformed tokens throw duet::ParseError at their position.
class Lexer {
public:
  Lexer(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}
  Token next();
  const std::string &file() const { return file_; }

  /// How a token reads in "found ..." messages: 'x', '%y', end of input.
  static std::string describe(const Token &t);

private:
  [[noreturn]] void error(int line, int col, const std::string &msg) const;
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void bump();
  void skipSpaceAndComments();
  void lexNumber(Token &t);
  void lexString(Token &t);

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
};

} // namespace duet
