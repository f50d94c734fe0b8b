package pgstore_test

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// startReplica re-executes the test binary to run only the child test
// named child, with env=value in its environment, as one replica of a
// many-process test; its output goes to the parent's stderr.
func startReplica(t *testing.T, child, env, value string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+value)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// killReplicasAtCleanup kills and reaps, when the test ends, every replica
// still in procs (guarded by mu).
func killReplicasAtCleanup(t *testing.T, mu *sync.Mutex, procs map[string]*exec.Cmd) {
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, cmd := range procs {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
}
