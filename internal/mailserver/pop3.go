package mailserver

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
)

// pop3Server is the POP3 listener's state and counters.
type pop3Server struct {
	ln       net.Listener
	commands atomic.Int64
	trips    atomic.Int64
	sessions atomic.Int64

	mu       sync.Mutex
	verbs    map[string]int
	dropRetr int
	disabled map[string]bool
}

func (s *Server) startPOP3() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("mailserver: pop3 listen: %w", err)
	}
	s.pop3 = &pop3Server{ln: ln, verbs: map[string]int{}, disabled: map[string]bool{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !s.track(c, true) {
				c.Close()
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer s.track(c, false)
				defer c.Close()
				s.servePOP3(c)
			}()
		}
	}()
	return nil
}

// POP3Addr returns the POP3 listener's host (always "127.0.0.1") and port.
func (s *Server) POP3Addr() (host string, port int) { return splitAddr(s.pop3.ln.Addr()) }

// POP3Commands counts the POP3 commands clients sent, across sessions
// (SASL responses are not commands).
func (s *Server) POP3Commands() int { return int(s.pop3.commands.Load()) }

// POP3Count counts the POP3 commands with this verb ("TOP", "RETR",
// "DELE", "USER" …), across sessions.
func (s *Server) POP3Count(verb string) int {
	s.pop3.mu.Lock()
	defer s.pop3.mu.Unlock()
	return s.pop3.verbs[strings.ToUpper(verb)]
}

// POP3RoundTrips counts the times the server, having answered every
// command it had received, flushed its replies and waited for the client:
// the round trips a client paid, pipelined commands counting once, plus
// one for each greeting. Where a pipelined batch arrives in pieces it
// counts more, never fewer.
func (s *Server) POP3RoundTrips() int { return int(s.pop3.trips.Load()) }

// POP3Sessions counts accepted POP3 connections.
func (s *Server) POP3Sessions() int { return int(s.pop3.sessions.Load()) }

// DropPOP3Retr makes the next n RETR commands fail on the wire: the
// server sends part of the message and closes the connection.
func (s *Server) DropPOP3Retr(n int) {
	s.pop3.mu.Lock()
	s.pop3.dropRetr = n
	s.pop3.mu.Unlock()
}

// DisablePOP3 makes the POP3 server behave as one without an optional
// command ("UIDL", "TOP", "CAPA", "STLS" …): it is left out of CAPA and
// answered with -ERR.
func (s *Server) DisablePOP3(verb string) {
	s.pop3.mu.Lock()
	s.pop3.disabled[strings.ToUpper(verb)] = true
	s.pop3.mu.Unlock()
}

func (p *pop3Server) isDisabled(verb string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.disabled[verb]
}

func (p *pop3Server) reset() {
	p.commands.Store(0)
	p.trips.Store(0)
	p.sessions.Store(0)
	p.mu.Lock()
	p.verbs = map[string]int{}
	p.mu.Unlock()
}

func (p *pop3Server) count(verb string) {
	p.commands.Add(1)
	p.mu.Lock()
	p.verbs[verb]++
	p.mu.Unlock()
}

func (p *pop3Server) takeDrop() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dropRetr > 0 {
		p.dropRetr--
		return true
	}
	return false
}
