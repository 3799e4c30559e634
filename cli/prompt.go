package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// errInputClosed is returned when stdin ends while a question is open.
var errInputClosed = errors.New("input closed before the question was answered")

// errInterrupted is returned when Ctrl-C (the command context ending) aborts a
// question; Main turns it into exit code 130, the shell's code for SIGINT.
var errInterrupted = errors.New("interrupted")

// prompter asks line-based questions on the injected stdin, so interactive flows are
// testable with a buffer of answers.
type prompter struct {
	// ctx ends on SIGINT/SIGTERM. signal.NotifyContext swallows the signal, so a read
	// that ignored ctx would keep waiting for Enter after Ctrl-C.
	ctx context.Context
	in  *bufio.Reader
	raw io.Reader
	out io.Writer
	tty bool
	// pending is the read in flight: a blocked read cannot be cancelled, so it is left
	// running and the next question picks up its line.
	pending chan lineRead
}

type lineRead struct {
	line string
	err  error
}

func newPrompter(ctx context.Context, in io.Reader, out io.Writer, tty bool) *prompter {
	if in == nil {
		in = strings.NewReader("")
	}
	return &prompter{ctx: ctx, in: bufio.NewReader(in), raw: in, out: out, tty: tty}
}

func (p *prompter) readLine() (string, error) {
	if err := p.ctx.Err(); err != nil {
		return "", errInterrupted
	}
	if p.pending == nil {
		ch := make(chan lineRead, 1)
		p.pending = ch
		go func() {
			line, err := p.in.ReadString('\n')
			ch <- lineRead{line, err}
		}()
	}
	var line string
	var err error
	select {
	case <-p.ctx.Done():
		fmt.Fprintln(p.out)
		return "", errInterrupted
	case r := <-p.pending:
		p.pending = nil
		line, err = r.line, r.err
	}
	if err != nil && (err != io.EOF || line == "") {
		if err == io.EOF {
			return "", errInputClosed
		}
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// ask returns the answer, or def for an empty answer.
func (p *prompter) ask(question, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(p.out, "? %s (%s): ", question, def)
	} else {
		fmt.Fprintf(p.out, "? %s: ", question)
	}
	ans, err := p.readLine()
	if err != nil {
		return "", err
	}
	if ans == "" {
		return def, nil
	}
	return ans, nil
}

// askValid repeats the question until check accepts the answer.
func (p *prompter) askValid(question, def string, check func(string) error) (string, error) {
	for {
		ans, err := p.ask(question, def)
		if err != nil {
			return "", err
		}
		if err := check(ans); err != nil {
			fmt.Fprintf(p.out, "  %v\n", err)
			continue
		}
		return ans, nil
	}
}

// askInt asks for a whole number in [lo, hi].
func (p *prompter) askInt(question string, def, lo, hi int) (int, error) {
	ans, err := p.askValid(question, strconv.Itoa(def), func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("Enter a whole number between %d and %d.", lo, hi)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(ans)
}

// confirm asks a yes/no question; an empty answer is def.
func (p *prompter) confirm(question string, def bool) (bool, error) {
	hint := "y/N"
	if def {
		hint = "Y/n"
	}
	for {
		fmt.Fprintf(p.out, "? %s (%s) ", question, hint)
		ans, err := p.readLine()
		if err != nil {
			return false, err
		}
		if ans == "" {
			return def, nil
		}
		if b, ok := parseBool(ans); ok {
			return b, nil
		}
		fmt.Fprintln(p.out, "  Answer y or n.")
	}
}

// choice is one option of a selection: the stored value and its label.
type choice struct {
	value string
	label string
}

// choose prints numbered options and returns the chosen value; the answer may be the
// number, the value or the start of the label. def is preselected.
func (p *prompter) choose(question string, options []choice, def string) (string, error) {
	defIdx := 0
	fmt.Fprintf(p.out, "? %s\n", question)
	for i, o := range options {
		mark := " "
		if o.value == def {
			mark, defIdx = ">", i
		}
		fmt.Fprintf(p.out, "  %s %d) %s\n", mark, i+1, o.label)
	}
	for {
		fmt.Fprintf(p.out, "  Choice (%d): ", defIdx+1)
		ans, err := p.readLine()
		if err != nil {
			return "", err
		}
		if ans == "" {
			return options[defIdx].value, nil
		}
		if n, err := strconv.Atoi(ans); err == nil && n >= 1 && n <= len(options) {
			return options[n-1].value, nil
		}
		for _, o := range options {
			if strings.EqualFold(ans, o.value) || strings.HasPrefix(strings.ToLower(o.label), strings.ToLower(ans)) {
				return o.value, nil
			}
		}
		fmt.Fprintf(p.out, "  Enter a number from 1 to %d.\n", len(options))
	}
}

// secret reads a value without echo on a terminal; from a pipe or buffer it reads a line.
func (p *prompter) secret(question string) (string, error) {
	fmt.Fprintf(p.out, "? %s: ", question)
	if f, ok := p.raw.(*os.File); ok && p.tty && p.pending == nil && p.in.Buffered() == 0 && term.IsTerminal(int(f.Fd())) {
		fd := int(f.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return "", err
		}
		ch := make(chan lineRead, 1)
		go func() {
			b, err := term.ReadPassword(fd)
			ch <- lineRead{string(b), err}
		}()
		select {
		case <-p.ctx.Done():
			// The read stays blocked until the process exits; echo must come back now.
			term.Restore(fd, state)
			fmt.Fprintln(p.out)
			return "", errInterrupted
		case r := <-ch:
			fmt.Fprintln(p.out)
			if r.err != nil {
				return "", r.err
			}
			return strings.TrimSpace(r.line), nil
		}
	}
	return p.readLine()
}
