package dev.drover.render;

import com.samskivert.mustache.Mustache;

/** Renders logic-less Mustache templates found by a {@link TemplateSource}. */
public final class Renderer {
  private final TemplateSource source;
  private final Mustache.Compiler compiler;

  public Renderer(TemplateSource source) {
    this.source = source;
    // Config files are not HTML: no escaping; a missing value is a bug in the model, so fail loudly.
    this.compiler = Mustache.compiler().escapeHTML(false).strictSections(false).defaultValue(null);
  }

  public String render(String templateName, Object model) {
    return compiler.compile(source.read(templateName)).execute(model);
  }
}
