package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

const secretsLong = `mvi.toml names an app's secrets (secrets = ["STRIPE_KEY"]); their values never
go in that file, nor in any other file mvi writes. A value lives only in AWS
SSM Parameter Store, as a SecureString at /mvi/APP/secrets/NAME, encrypted
under the app's own KMS key (alias/mvi/APP) and tagged mvi:app and
mvi:secret. That key comes with the app's first mvi up, so a value set
before then is encrypted under the account's default SSM key
(alias/aws/ssm): mvi secrets list says so, and setting it again after up
moves it under the app's key.

Each process that uses a secret gets it as an environment variable of that
name: ECS reads it from SSM when a container starts, so it appears in no
task definition, plan, status, log or --output json. mvi never shows a
value. mvi up changes nothing while a secret mvi.toml names has no value,
and says which command sets it.

Containers read a value when they start: a new value reaches the processes
that use it as their containers are next started (the next release mvi up
rolls out, or a replaced container). mvi down deletes the values with
everything else, unless --keep-secrets.`

func newSecrets() *cobra.Command {
	c := &cobra.Command{
		Use:   "secrets",
		Short: "Set, list and unset the values of the secrets mvi.toml names (values stay in SSM, never in a file)",
		Long:  secretsLong,
		Example: `  mvi secrets set STRIPE_KEY                      # asks for the value; typing is hidden
  printf %s "$STRIPE_KEY" | mvi secrets set STRIPE_KEY
  mvi secrets set TLS_KEY --from-file key.pem
  mvi secrets list
  mvi secrets unset STRIPE_KEY`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("mvi secrets has no command %q: use set, list or unset (see `mvi secrets --help`)", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	c.AddCommand(newSecretsSet(), newSecretsList(), newSecretsUnset())
	return c
}

// oneSecret is the Args of set and unset.
func oneSecret(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef("%s takes one secret's name, e.g. `%s STRIPE_KEY`", c.CommandPath(), c.CommandPath())
	}
	return nil
}

func newSecretsSet() *cobra.Command {
	var (
		file, from string
		cf         cloudFlags
	)
	c := &cobra.Command{
		Use:   "set NAME",
		Short: "Give a secret mvi.toml names its value: from a hidden prompt, stdin or --from-file",
		Long: `Set stores a value for NAME, which mvi.toml's secrets must list, as a new
version of the SSM SecureString /mvi/APP/secrets/NAME. The value never
touches mvi.toml or any file mvi writes, and is never echoed.

On a terminal it asks for the value without showing what you type. Piped,
it reads stdin to its end, dropping one trailing newline (so echo works);
--from-file reads a file byte for byte (--from-file - reads stdin the same
way). An empty value is refused, and so is one over 4096 bytes.

Containers read the value when they start: the processes that use it get a
new value as their containers are next started.

` + "See `mvi secrets --help` for where values live and which key encrypts them.",
		Example: `  mvi secrets set STRIPE_KEY
  printf %s "$STRIPE_KEY" | mvi secrets set STRIPE_KEY -f shop/mvi.toml
  mvi secrets set TLS_KEY --from-file key.pem --cloud aws`,
		Args: oneSecret,
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			m, err := manifest.Load(file)
			if err != nil {
				return err
			}
			if !slices.Contains(m.Secrets, name) {
				return unknownSecret(file, m, name)
			}
			a, err := arch.Design(m)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			value, err := readSecret(c, m.Name, name, from)
			defer clear(value)
			if err != nil {
				return err
			}
			if err := engine.CheckSecretValue(value); err != nil {
				return usageError{&fixedError{err: fmt.Errorf("%s: %w; nothing was stored", name, err),
					fix: "give the value at the prompt, on stdin (printf %s \"$VALUE\" | mvi secrets set " + name + ") or with --from-file FILE"}}
			}
			ctx := c.Context()
			s, err := cf.open(ctx, m.Name, regionOr(m.Region))
			if err != nil {
				return err
			}
			defer s.close()
			key, onApp, err := engine.SecretKey(ctx, s.cfg)
			if err != nil {
				return err
			}
			if err := engine.SetSecret(ctx, s.cfg, name, value); err != nil {
				return err
			}
			out := c.OutOrStdout()
			fmt.Fprintf(out, "Set %s of %s on %s: %s, ", name, m.Name, s.where, arch.SecretPath(m.Name, name))
			if onApp {
				fmt.Fprintf(out, "encrypted under the app's key %s (%s).\n", engine.SecretKeyAlias(m.Name), shortID(key))
			} else {
				fmt.Fprintf(out, "encrypted under the account's default SSM key %s: the app's own key %s comes with its first `mvi up`; set this again after that to move it under the app's key.\n",
					engine.DefaultSecretKey, engine.SecretKeyAlias(m.Name))
			}
			if users := engine.SecretUsers(a)[name]; len(users) > 0 {
				fmt.Fprintf(out, "%s read it as $%s when their containers start.\n", joinAnd(users), name)
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&from, "from-file", "", "read the value from this file, byte for byte (- for stdin)")
	cf.add(c)
	return c
}

// readSecret gets the value: a file, a hidden prompt on a terminal, or
// piped stdin. Nothing read is ever written back out.
func readSecret(c *cobra.Command, app, name, from string) ([]byte, error) {
	in := c.InOrStdin()
	limit := func(r io.Reader) ([]byte, error) {
		// One byte past the limit, so CheckSecretValue can say it's too long.
		return io.ReadAll(io.LimitReader(r, engine.MaxSecretBytes+1))
	}
	switch {
	case from == "-":
		return limit(in)
	case from != "":
		f, err := os.Open(from)
		if err != nil {
			return nil, &fixedError{err: fmt.Errorf("read the value of %s: %w", name, err), fix: "name a file you can read, or pipe the value on stdin"}
		}
		defer f.Close()
		return limit(f)
	case isTerminalReader(in):
		f := in.(*os.File)
		fmt.Fprintf(c.ErrOrStderr(), "Value of %s for %s (typing is not shown): ", name, app)
		v, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.ErrOrStderr())
		if err != nil {
			return nil, fmt.Errorf("read the value of %s: %w", name, err)
		}
		return v, nil
	}
	v, err := io.ReadAll(io.LimitReader(in, engine.MaxSecretBytes+2))
	if err != nil {
		return nil, fmt.Errorf("read the value of %s from stdin: %w", name, err)
	}
	v = bytes.TrimSuffix(v, []byte("\n"))
	return bytes.TrimSuffix(v, []byte("\r")), nil
}

// unknownSecret refuses a name mvi.toml doesn't list, with a did-you-mean.
func unknownSecret(file string, m *manifest.Manifest, name string) error {
	listed := "names no secrets"
	if len(m.Secrets) > 0 {
		listed = "names " + strings.Join(m.Secrets, ", ")
	}
	quoted := make([]string, 0, len(m.Secrets)+1)
	for _, s := range append(slices.Clone(m.Secrets), name) {
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	fix := fmt.Sprintf("to add it, list it in %s first: secrets = [%s]", file, strings.Join(quoted, ", "))
	if near := manifest.Nearest(name, m.Secrets); near != "" {
		fix = fmt.Sprintf("did you mean %s? (mvi secrets set %s); or, %s", near, near, fix)
	}
	return usageError{&fixedError{err: fmt.Errorf("%s is not a secret of %s: %s %s; nothing was stored", name, m.Name, file, listed), fix: fix}}
}

// secretNames are the app's secrets that have a value.
func secretNames(ctx context.Context, cfg engine.Config) ([]string, error) {
	infos, err := engine.ListSecrets(ctx, cfg)
	names := make([]string, len(infos))
	for i, s := range infos {
		names[i] = s.Name
	}
	return names, err
}

func joinAnd(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func regionOr(r string) string {
	if r == "" {
		return manifest.DefaultRegion
	}
	return r
}

// secretRow is one line of mvi secrets list: never a value.
type secretRow struct {
	Name       string     `json:"name"`
	Set        bool       `json:"set"`
	Changed    *time.Time `json:"changed,omitempty"`
	Version    int64      `json:"version,omitempty"`
	UsedBy     []string   `json:"used_by"`
	InManifest bool       `json:"in_manifest"`
	Key        string     `json:"key,omitempty"`
	DefaultKey bool       `json:"default_key,omitempty"`
}

func newSecretsList() *cobra.Command {
	var (
		file, app, output string
		cf                cloudFlags
	)
	c := &cobra.Command{
		Use:   "list",
		Short: "Show each secret: whether it has a value, when it last changed, which processes use it (never values)",
		Long: `List shows every secret mvi.toml names, and any value still stored for a name
it no longer lists: set or unset, when and in which version it last changed,
which processes read it, and whether it is under the app's key. Values are
never shown, here or anywhere.`,
		Example: `  mvi secrets list
  mvi secrets list --output json
  mvi secrets list --app shop --cloud aws   # without mvi.toml: what is stored`,
		RunE: func(c *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: use text or json", output)
			}
			var (
				names  []string
				users  map[string][]string
				region = manifest.DefaultRegion
			)
			if app == "" {
				m, err := manifest.Load(file)
				if err != nil {
					return err
				}
				a, err := arch.Design(m)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				app, region, names, users = m.Name, regionOr(m.Region), m.Secrets, engine.SecretUsers(a)
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			infos, err := engine.ListSecrets(ctx, s.cfg)
			if err != nil {
				return err
			}
			rows := secretRows(names, users, infos)
			out := c.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					App     string      `json:"app"`
					Secrets []secretRow `json:"secrets"`
				}{app, rows})
			}
			if len(rows) == 0 {
				fmt.Fprintf(out, "%s has no secrets: mvi.toml names none, and none is stored on %s.\n", app, s.where)
				return nil
			}
			appKey := false
			for _, r := range rows {
				if r.DefaultKey {
					if _, appKey, err = engine.SecretKey(ctx, s.cfg); err != nil {
						return err
					}
					break
				}
			}
			writeSecrets(out, app, s.where, rows, names != nil, appKey)
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app whose stored secrets to list, without reading mvi.toml")
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	cf.add(c)
	return c
}

// secretRows are the manifest's names in its order, then stored values
// for names it doesn't list.
func secretRows(names []string, users map[string][]string, infos []engine.SecretInfo) []secretRow {
	byName := map[string]engine.SecretInfo{}
	for _, i := range infos {
		byName[i.Name] = i
	}
	row := func(n string, in bool) secretRow {
		r := secretRow{Name: n, InManifest: in, UsedBy: users[n]}
		if r.UsedBy == nil {
			r.UsedBy = []string{}
		}
		if i, ok := byName[n]; ok {
			ch := i.Changed
			r.Set, r.Changed, r.Version, r.Key, r.DefaultKey = true, &ch, i.Version, i.Key, i.DefaultKey
		}
		return r
	}
	var rows []secretRow
	for _, n := range names {
		rows = append(rows, row(n, true))
	}
	for _, i := range infos {
		if !slices.Contains(names, i.Name) {
			rows = append(rows, row(i.Name, false))
		}
	}
	return rows
}

func writeSecrets(w io.Writer, app, where string, rows []secretRow, fromManifest, appKey bool) {
	fmt.Fprintf(w, "Secrets of %s on %s (values are never shown):\n", app, where)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tVALUE\tLAST CHANGED\tVERSION\tUSED BY")
	var unset, stale, onDefault []string
	for _, r := range rows {
		state, changed, version := "unset", "-", "-"
		if r.Set {
			state, changed, version = "set", r.Changed.UTC().Format("2006-01-02 15:04 UTC")+" ("+time.Since(*r.Changed).Round(time.Minute).String()+" ago)", fmt.Sprint(r.Version)
			if r.DefaultKey {
				onDefault = append(onDefault, r.Name)
			}
		} else {
			unset = append(unset, r.Name)
		}
		used := strings.Join(r.UsedBy, ", ")
		switch {
		case !r.InManifest && fromManifest:
			used = "nothing: mvi.toml no longer names it"
			stale = append(stale, r.Name)
		case !fromManifest:
			used = "(see mvi.toml)"
		case used == "":
			used = "no process"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Name, state, changed, version, used)
	}
	tw.Flush()
	for _, n := range unset {
		fmt.Fprintf(w, "%s has no value, so mvi up changes nothing until it has: mvi secrets set %s\n", n, n)
	}
	if len(onDefault) > 0 {
		how := "the app's key comes with its first `mvi up`; set them again after that to move them under it"
		if appKey {
			how = "set them again to move them under the app's key " + engine.SecretKeyAlias(app)
		}
		fmt.Fprintf(w, "%s: under the account's default SSM key %s (set before the app had its own key); %s.\n",
			strings.Join(onDefault, ", "), engine.DefaultSecretKey, how)
	}
	for _, n := range stale {
		fmt.Fprintf(w, "%s is stored but no longer in mvi.toml: mvi secrets unset %s deletes it.\n", n, n)
	}
}

func newSecretsUnset() *cobra.Command {
	var (
		file, app string
		cf        cloudFlags
	)
	c := &cobra.Command{
		Use:   "unset NAME",
		Short: "Delete a secret's value (mvi up then waits until it has one again)",
		Long: `Unset deletes the SSM parameter holding NAME's value. Running containers keep
the value they started with; new ones can't start without it, so mvi up
changes nothing while mvi.toml still names NAME. A name mvi.toml no longer
lists can be unset too, to delete a value left behind.`,
		Example: `  mvi secrets unset STRIPE_KEY
  mvi secrets unset OLD_TOKEN --app shop --cloud aws`,
		Args: oneSecret,
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			region := manifest.DefaultRegion
			var m *manifest.Manifest
			if app == "" {
				var err error
				if m, err = manifest.Load(file); err != nil {
					return err
				}
				app, region = m.Name, regionOr(m.Region)
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			out := c.OutOrStdout()
			err = engine.UnsetSecret(ctx, s.cfg, name)
			if errors.Is(err, engine.ErrSecretNotSet) {
				fmt.Fprintf(out, "%s of %s has no value on %s; nothing to unset.\n", name, app, s.where)
				if m != nil && !slices.Contains(m.Secrets, name) {
					if near := manifest.Nearest(name, m.Secrets); near != "" {
						fmt.Fprintf(out, "Did you mean %s? (mvi secrets unset %s)\n", near, near)
					}
				}
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Deleted the value of %s of %s on %s.\n", name, app, s.where)
			if m != nil && slices.Contains(m.Secrets, name) {
				fmt.Fprintf(out, "mvi.toml still names it, so mvi up changes nothing until it has a value again: mvi secrets set %s\n", name)
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app whose secret to unset, without reading mvi.toml")
	cf.add(c)
	return c
}
