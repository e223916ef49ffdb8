package build

import (
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copyRequest expands a COPY or ADD's variables (build args, ENV) and
// says what it asks for. Every other instruction is config-only and was
// handled by configure, or was refused by Parse.
func (b *builder) copyRequest(st Step) (copyReq, error) {
	fail := func(kind Kind, msg, fix string, err error) error { return st.fail(b.df.Name, kind, msg, fix, err) }
	var sd *instructions.SourcesAndDest
	r := copyReq{st: st}
	switch c := st.Cmd.(type) {
	case *instructions.CopyCommand:
		if err := c.Expand(b.sc.word); err != nil {
			return r, fail(KindSyntax, "cannot expand variables", "check ${…} syntax", err)
		}
		sd, r.chown, r.chmod, r.excludes = &c.SourcesAndDest, c.Chown, c.Chmod, c.ExcludePatterns
	case *instructions.AddCommand:
		if err := c.Expand(b.sc.word); err != nil {
			return r, fail(KindSyntax, "cannot expand variables", "check ${…} syntax", err)
		}
		sd, r.chown, r.chmod, r.excludes = &c.SourcesAndDest, c.Chown, c.Chmod, c.ExcludePatterns
		// ADD --unpack=false copies an archive as a file.
		r.add = c.Unpack == nil || *c.Unpack
		for _, s := range c.SourcePaths {
			if isRemote(s) {
				return r, fail(KindUnsupported, "ADD of a URL or git repository fetches from the network at build time",
					"download "+s+" into the build directory and COPY it, so the build is repeatable", nil)
			}
		}
	default:
		return r, fail(KindUnsupported, "the in-process builder does not run this instruction", "build with docker, podman or buildah", nil)
	}
	if err := sd.ExpandRaw(b.sc.word); err != nil {
		return r, fail(KindSyntax, "cannot expand variables in the here-document", "check ${…} syntax", err)
	}
	r.srcs, r.dest = sd.SourcePaths, sd.DestPath
	for _, h := range sd.SourceContents {
		r.contents = append(r.contents, heredoc{name: h.Path, data: h.Data})
	}
	return r, nil
}
