package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/minimalinfra/mvi/engine/build/site"
)

// The source digest is what decides whether anything needs building: the
// same directory (after .dockerignore) gives the same digest on any
// machine, whatever the files' times, and any change a COPY could carry —
// content, a permission bit, a symlink's target, a new or removed file —
// gives a new one. The Dockerfile and .dockerignore always count, even
// when .dockerignore hides them from COPY, because they change the recipe.

// SourceDigest is "sha256:<hex>" over the build context of dir, built by
// its Dockerfile at dockerfile ("" for dir/Dockerfile).
func SourceDigest(ctx context.Context, dir, dockerfile string) (string, error) {
	c, err := OpenContext(ctx, dir, dockerfile)
	if err != nil {
		return "", err
	}
	return c.Digest(ctx)
}

// Digest hashes the context's listing and contents.
func (c *Context) Digest(ctx context.Context) (string, error) {
	h := sha256.New()
	if c.Recipe != "" {
		// Another recipe is another build, even of the same files.
		fmt.Fprintf(h, "R recipe %q\n", c.Recipe)
	}
	for _, name := range []string{c.recipe(), c.ignoreFile()} {
		if err := hashRecipeFile(h, filepath.Join(c.Dir, filepath.FromSlash(name)), name); err != nil {
			return "", err
		}
	}
	for _, e := range c.entries {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		switch {
		case e.Mode&fs.ModeSymlink != 0:
			fmt.Fprintf(h, "L %q %q\n", e.Rel, e.Link)
		case e.Mode.IsDir():
			fmt.Fprintf(h, "D %q %o\n", e.Rel, e.Mode.Perm())
		default:
			sum, err := fileSum(c.Abs(e.Rel))
			if err != nil {
				return "", &Error{Kind: KindContext, Msg: "cannot read " + e.Rel, Err: err}
			}
			fmt.Fprintf(h, "F %q %o %d %s\n", e.Rel, e.Mode.Perm(), e.Size, sum)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func hashRecipeFile(h hash.Hash, p, name string) error {
	sum, err := fileSum(p)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(h, "R %q absent\n", name)
		if name == DockerfileName {
			// A static site is built from site.Dockerfile: a new recipe
			// there is a new build, as an edited Dockerfile would be.
			fmt.Fprintf(h, "R static %x\n", sha256.Sum256([]byte(site.Dockerfile)))
		}
		return nil
	}
	if err != nil {
		return &Error{Kind: KindContext, Msg: "cannot read " + name, Err: err}
	}
	fmt.Fprintf(h, "R %q %s\n", name, sum)
	return nil
}

func fileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
