// Package assets holds mvi's embedded content.
package assets
