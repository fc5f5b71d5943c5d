//===- ir/text_lexer.cpp - tokens of the graph text form --------------------===//
#include "ir/text_lexer.h"

#include "ir/error.h"
#include "ir/value_names.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace duet {

void Lexer::error(int line, int col, const std::string &msg) const {
  throw ParseError(file_, line, col, msg);
}

void Lexer::bump() {
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

void Lexer::skipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      bump();
    } else if (c == '/' && peek(1) == '/') {
      while (pos_ < text_.size() && peek() != '\n')
        bump();
    } else {
      break;
    }
  }
}

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

static std::string shorten(std::string_view s) {
  return s.size() > 32 ? std::string(s.substr(0, 29)) + "..." : std::string(s);
}

// [-] digits [. digits] [e [+-] digits], or [-]inf / nan.
void Lexer::lexNumber(Token &t) {
  size_t start = pos_;
  bool isFloat = false;
  if (peek() == '-')
    bump();
  if (!isDigit(peek())) {
    while (isNameChar(peek()))
      bump();
    std::string_view word = text_.substr(start, pos_ - start);
    if (word != "-inf" && word != "-nan")
      error(t.line, t.col, fmt::format("malformed number '{}'", shorten(word)));
    t.kind = Tok::Float;
    t.floatValue = word == "-inf" ? -INFINITY : -NAN;
    t.spelling = std::string(word);
    return;
  }
  while (isDigit(peek()))
    bump();
  if (peek() == '.') {
    isFloat = true;
    bump();
    while (isDigit(peek()))
      bump();
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
    isFloat = true;
    bump();
    if (peek() == '+' || peek() == '-')
      bump();
    while (isDigit(peek()))
      bump();
  }
  while (isNameChar(peek())) // e.g. "12ab", "1.2.3": reject as a whole
    bump();
  std::string_view word = text_.substr(start, pos_ - start);
  t.spelling = shorten(word);
  const char *first = word.data(), *last = word.data() + word.size();
  if (isFloat) {
    t.kind = Tok::Float;
    auto [ptr, ec] = std::from_chars(first, last, t.floatValue);
    if (ec == std::errc::result_out_of_range) {
      // Subnormals that the printer wrote are fine; overflow is not.
      std::string copy(word);
      errno = 0;
      t.floatValue = std::strtod(copy.c_str(), nullptr);
      if (std::isinf(t.floatValue))
        error(t.line, t.col, fmt::format("number '{}' is out of range", t.spelling));
      ptr = last;
      ec = {};
    }
    if (ec != std::errc() || ptr != last)
      error(t.line, t.col, fmt::format("malformed number '{}'", t.spelling));
  } else {
    t.kind = Tok::Int;
    auto [ptr, ec] = std::from_chars(first, last, t.intValue);
    if (ec == std::errc::result_out_of_range)
      error(t.line, t.col, fmt::format("integer '{}' is out of range", t.spelling));
    if (ec != std::errc() || ptr != last)
      error(t.line, t.col, fmt::format("malformed number '{}'", t.spelling));
  }
}

void Lexer::lexString(Token &t) {
  size_t start = pos_;
  bump(); // opening quote
  t.kind = Tok::String;
  while (true) {
    if (pos_ >= text_.size())
      error(t.line, t.col, "unterminated string");
    char c = peek();
    bump();
    if (c == '"')
      break;
    if (c == '\\') { // the printer escapes only '"' and '\'
      if (pos_ >= text_.size())
        error(t.line, t.col, "unterminated string");
      c = peek();
      bump();
    }
    t.text += c;
  }
  t.spelling = shorten(text_.substr(start, pos_ - start));
}

Token Lexer::next() {
  skipSpaceAndComments();
  Token t;
  t.line = line_;
  t.col = col_;
  if (pos_ >= text_.size())
    return t; // Eof
  char c = peek();
  if (c == '"') {
    lexString(t);
    return t;
  }
  if (isDigit(c) || (c == '-' && (isDigit(peek(1)) || peek(1) == 'i' || peek(1) == 'n'))) {
    lexNumber(t);
    return t;
  }
  if (c == '%') {
    bump();
    size_t start = pos_;
    while (isNameChar(peek()))
      bump();
    if (pos_ == start)
      error(t.line, t.col, "expected a value name after '%'");
    t.kind = Tok::Value;
    t.text = std::string(text_.substr(start, pos_ - start));
    t.spelling = fmt::format("%{}", shorten(t.text));
    return t;
  }
  if (isNameChar(c) && c != '.') {
    size_t start = pos_;
    while (isNameChar(peek()))
      bump();
    t.kind = Tok::Ident;
    t.text = std::string(text_.substr(start, pos_ - start));
    t.spelling = shorten(t.text);
    return t;
  }
  static constexpr std::string_view punct = "(){}[],:=@";
  static constexpr Tok kinds[] = {Tok::LParen,   Tok::RParen,   Tok::LBrace, Tok::RBrace,
                                  Tok::LBracket, Tok::RBracket, Tok::Comma,  Tok::Colon,
                                  Tok::Equal,    Tok::At};
  if (size_t i = punct.find(c); i != std::string_view::npos) {
    bump();
    t.kind = kinds[i];
    t.spelling = std::string(1, c);
    return t;
  }
  unsigned char u = static_cast<unsigned char>(c);
  error(t.line, t.col,
        u >= 0x20 && u < 0x7f ? fmt::format("unexpected character '{}'", c)
                              : fmt::format("unexpected byte 0x{:02x}", u));
}

std::string Lexer::describe(const Token &t) {
  switch (t.kind) {
  case Tok::Eof: return "end of input";
  case Tok::String: return "string " + t.spelling;
  default: return "'" + t.spelling + "'";
  }
}

} // namespace duet
