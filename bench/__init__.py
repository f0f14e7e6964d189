"""The storefront benchmark (see bench/README.md). Not part of the kedai package."""
