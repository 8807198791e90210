package dev.labfleet.project.service;

import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.repository.ProjectRepository;
import dev.labfleet.project.rest.ProjectView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

@ApplicationScoped
public class ProjectService {

    private final ProjectRepository repository;

    public ProjectService(ProjectRepository repository) {
        this.repository = repository;
    }

    @WithSession
    public Uni<CursorPage<ProjectView>> list(UUID serverId, ProjectStatus status, String tag, String name, String cursor,
                                             Integer limit) {
        int size = Cursor.limit(limit);
        return repository.page(new ProjectRepository.Filter(serverId, status, tag, name), cursor, size)
                .map(rows -> CursorPage.of(rows, size, ProjectRepository::cursorKey).map(ProjectView::of));
    }

    @WithSession
    public Uni<ProjectView> get(UUID projectId) {
        return find(projectId).map(ProjectView::of);
    }

    Uni<Project> find(UUID projectId) {
        return repository.findById(projectId)
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemException.notFound(
                        "project " + projectId + " does not exist").problem().with("projectId", projectId)));
    }
}
