package ledger

import (
	"os"
	"sync"
	"testing"
)

// tempDirs are folders made once per run (the generated books) that no single test
// owns; TestMain removes them.
var tempDirs struct {
	sync.Mutex
	list []string
}

func runTempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err == nil {
		tempDirs.Lock()
		tempDirs.list = append(tempDirs.list, dir)
		tempDirs.Unlock()
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs.list {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
