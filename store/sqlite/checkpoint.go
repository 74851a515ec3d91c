package sqlite

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// Checkpoints in the background. SQLite copies the WAL's frames back into
// the database file (a checkpoint) once the WAL has grown past a thousand
// pages, inside the commit that crossed the line: on the issuing path that
// commit is a group commit, and every issuer queued behind it waited the
// tens of milliseconds it took to read 16 MB of frames, write them and
// sync the file, while the processors idled. The checkpointer instead
// runs a PASSIVE checkpoint on a connection of its own after every
// checkpointEvery group-committed writes, so the WAL rarely reaches the
// automatic threshold; a PASSIVE checkpoint never waits for the writer
// or the readers, and the writer appends to the WAL while it runs. The
// automatic checkpoint stays on as the safety net (bulk loads, a
// checkpointer that falls behind), and other processes keep theirs.
// A failed background checkpoint is left to the next one or to the
// automatic one: it loses nothing, the frames stay in the WAL.

// checkpointEvery is how many group-committed writes (documents, numbers,
// notices) start a background checkpoint.
const checkpointEvery = 32

// checkpointer runs background checkpoints for one database file.
type checkpointer struct {
	db   *sql.DB       // one connection, used only for checkpoints
	kick chan struct{} // a checkpoint is due (buffer of one)
	stop chan struct{} // closed by close
	done chan struct{} // closed when the loop has returned
	jobs atomic.Int64  // writes since the last kick
	runs atomic.Int64  // checkpoints run
	ran  func()        // called after each checkpoint, if set (tests)
}

// newCheckpointer starts the checkpointer of the database file at path,
// opened with the writer's options (dsn).
func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
			if _, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
				c.runs.Add(1)
			}
			if c.ran != nil {
				c.ran()
			}
		}
	}
}

// committed counts n writes made durable and starts a checkpoint when
// checkpointEvery have been since the last one. It never blocks.
func (c *checkpointer) committed(n int) {
	if c == nil || c.jobs.Add(int64(n)) < checkpointEvery {
		return
	}
	c.jobs.Store(0)
	select {
	case c.kick <- struct{}{}:
	default: // one is due already
	}
}

// close stops the loop, waiting for a checkpoint under way, and closes the
// connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	<-c.done
	return c.db.Close()
}
