package ui

import (
	"fmt"
	"strings"
)

// The form's command field is one line of text, split into words the way
// a shell would: spaces separate words, '...' and "..." keep spaces, a
// backslash escapes the next character. So `sh -c "echo hi"` is three
// words, the same as on the command line.

// splitWords splits a command line into words.
func splitWords(s string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	var quote byte // 0, '\'' or '"'
	escaped := false
	// Bytes, not runes: every special character is ASCII, and the bytes of
	// anything else (even invalid UTF-8) pass through unchanged.
	for i := 0; i < len(s); i++ {
		r := s[i]
		switch {
		case escaped:
			word.WriteByte(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteByte(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteByte(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote", quote)
	}
	if escaped {
		return nil, fmt.Errorf("a backslash at the end escapes nothing")
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// joinWords is the inverse of splitWords: it quotes each word that needs
// it, so that the form shows a command given on the command line as
// something that splits back into the same words.
func joinWords(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if w != "" && !strings.ContainsAny(w, " \t'\"\\") {
			quoted[i] = w
			continue
		}
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
