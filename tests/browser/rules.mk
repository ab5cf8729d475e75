# Browser tests: the widget and the agent console in real headless Chromium
# (Debian's chromium package, driven by playwright-core from tests/package-lock.json).
# Screenshots land in tests/artifacts/.

CHROMIUM ?= /usr/bin/chromium
# Korean text needs a CJK font, or the screenshots show boxes.
BROWSER_DEB_PKGS := chromium fonts-noto-cjk

.PHONY: browser deps-browser

deps-browser:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="chromium"; \
	dpkg-query -W -f='$${Status}\n' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

browser: all deps-npm deps-browser
	cd tests && BOTD=$(abspath $(BUILD)/botd) CHROMIUM=$(CHROMIUM) node --test --test-concurrency=1 browser/

CHECK_EXTRA += browser
